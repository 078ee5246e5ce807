import type { INode } from 'n8n-workflow';

import { assertCronCrmCanReach, isLocalHost } from '../../nodes/CronCrmTrigger/reachability';

describe('CRONCRM Trigger: which n8n addresses CRONCRM cannot reach', () => {
	it.each([
		'localhost',
		'n8n.localhost',
		'127.0.0.1',
		'127.8.9.10',
		'10.0.0.5',
		'172.16.0.1',
		'172.31.255.255',
		'192.168.1.20',
		'169.254.1.1',
		'0.0.0.0',
		'[::1]',
		'[fd12:3456::1]',
		'[fe80::1]',
		'my-box.local',
		'100.64.0.1',
		'100.100.100.100',
		'100.127.255.255',
		'n8n',
		'N8N',
		'host.docker.internal',
		'n8n.internal',
		'api.corp.internal',
	])('%s is local', (host) => expect(isLocalHost(host)).toBe(true));

	it.each([
		'n8n.example.com',
		'172.15.0.1',
		'172.32.0.1',
		'8.8.8.8',
		'193.168.1.1',
		'fd.example.com',
		'[2001:db8::1]',
		'100.63.255.255',
		'100.128.0.1',
		'internal.example.com',
		'n8n.example.com.',
	])('%s is public', (host) => expect(isLocalHost(host)).toBe(false));
});

describe('CRONCRM Trigger: the go-live check before activation', () => {
	const node = { name: 'CRONCRM Trigger' } as INode;
	const publicApi = 'https://api.croncrm.example/api/v2';

	it.each([
		'http://n8n:5678/webhook/abc',
		'http://host.docker.internal:5678/webhook/abc',
		'https://n8n.corp.internal/webhook/abc',
		'http://100.101.102.103:5678/webhook/abc',
	])('a public CRONCRM cannot post to %s: activation fails and names WEBHOOK_URL', (url) => {
		expect(() => assertCronCrmCanReach(node, url, publicApi)).toThrow(
			expect.objectContaining({
				message: expect.stringContaining(`CRONCRM cannot reach this trigger's URL ${url}`),
				description: expect.stringContaining('WEBHOOK_URL'),
			}),
		);
	});

	it.each([
		['http://n8n:5678/webhook/abc', 'http://croncrm-sandbox:8080'],
		['http://100.101.102.103:5678/webhook/abc', 'http://100.101.102.104:8080'],
		['https://n8n.example.com/webhook/abc', publicApi],
	])('%s is reachable from a CRONCRM at %s', (url, baseUrl) => {
		expect(() => assertCronCrmCanReach(node, url, baseUrl)).not.toThrow();
	});
});
