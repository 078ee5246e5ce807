import { isLocalHost } from '../../nodes/CronCrmTrigger/reachability';

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
	])('%s is local', (host) => expect(isLocalHost(host)).toBe(true));

	it.each([
		'n8n.example.com',
		'172.15.0.1',
		'172.32.0.1',
		'8.8.8.8',
		'193.168.1.1',
		'fd.example.com',
		'[2001:db8::1]',
	])('%s is public', (host) => expect(isLocalHost(host)).toBe(false));
});
