/**
 * n8n 2.x's SSRF protection, on as a careful admin sets it. n8n-core reads these settings when
 * its container first builds them, so they are set before n8n-core loads. The sandbox's address,
 * 127.0.0.1, is allowed. 127.0.0.2 is not: a relay there leads to the same sandbox, so only n8n's
 * protection stands between a request and CRONCRM.
 */
process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
process.env.N8N_SSRF_BLOCKED_HOSTNAMES = 'croncrm.blocked.test';

import { createServer as createHttpServer } from 'http';
import { createConnection, createServer, type AddressInfo, type Server } from 'net';

import { RETRY_POLICY, ssrfAllowance } from '../../nodes/CronCrm/transport';
import { newInstance } from '../../sandbox/handlers/instance';
import { chatOf } from '../../sandbox/handlers/common';
import { DEFAULT_API_KEY } from '../../sandbox/server';
import { testCredential } from '../helpers/credentialTest';
import { runCronCrm, sandboxCredentials } from '../helpers/engine';
import { searchList } from '../helpers/loadOptions';
import { useSandbox } from '../helpers/sandbox';
import { useWebhookServer } from '../helpers/trigger';

// n8n-core's own copies: the engine's container holds the protection it applies.
/* eslint-disable @typescript-eslint/no-require-imports */
const { Container } = require('n8n-core/node_modules/@n8n/di') as typeof import('@n8n/di');
const { SsrfProtectionService } =
	require('n8n-core/node_modules/@n8n/backend-network') as typeof import('n8n-core/node_modules/@n8n/backend-network');
const { SsrfProtectionConfig } =
	require('n8n-core/node_modules/@n8n/config') as typeof import('n8n-core/node_modules/@n8n/config');
/* eslint-enable @typescript-eslint/no-require-imports */

const sandbox = useSandbox();
const server = useWebhookServer();

const WID = '5521988248085@c.us';
const PHONE = '+5511999999999';

/** Forwards 127.0.0.2:<port> to another local port, byte for byte. */
async function relay(toPort: number): Promise<{ server: Server; port: number }> {
	const relayServer = createServer((socket) => {
		const upstream = createConnection(toPort, '127.0.0.1');
		socket.pipe(upstream).pipe(socket);
		const close = () => (socket.destroy(), upstream.destroy());
		socket.on('error', close);
		upstream.on('error', close);
	});
	await new Promise<void>((resolve) => relayServer.listen(0, '127.0.0.2', resolve));
	return { server: relayServer, port: (relayServer.address() as AddressInfo).port };
}

/** A file host, for media downloads. */
const fileHost = createHttpServer((_req, res) =>
	res.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.from('png')),
);
let fileRequests = 0;
fileHost.on('request', () => fileRequests++);

let sandboxRelay: { server: Server; port: number };
let fileRelay: { server: Server; port: number };
/** The sandbox's API through the address n8n does not allow. */
let blockedUrl = '';
/** How many requests n8n's protection refused in the current test. */
let refused = 0;

const defaultBackoff = RETRY_POLICY.backoffMs;
beforeAll(async () => {
	RETRY_POLICY.backoffMs = 5;
	sandboxRelay = await relay(Number(new URL(sandbox.current.url).port));
	blockedUrl = `http://127.0.0.2:${sandboxRelay.port}/api/v2`;
	await new Promise<void>((resolve) => fileHost.listen(0, '127.0.0.1', resolve));
	fileRelay = await relay((fileHost.address() as AddressInfo).port);
	Container.get(SsrfProtectionService).events.on('ssrf.blocked', () => refused++);
});
beforeEach(() => {
	refused = 0;
	fileRequests = 0;
});
afterAll(async () => {
	RETRY_POLICY.backoffMs = defaultBackoff;
	for (const closable of [sandboxRelay.server, fileRelay.server, fileHost]) {
		await new Promise((resolve) => closable.close(resolve));
	}
});

const blockedMessage = (host: string, where: string) =>
	`n8n's SSRF protection blocked the request to CRONCRM at ${host} (${where})`;

describe('Transport: n8n with SSRF protection on (N8N_SSRF_PROTECTION_ENABLED=true)', () => {
	it('with the sandbox allowed (N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.1/32), a send goes through', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'message', operation: 'sendText', chatId: WID, message: 'Olá' },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => r.path)).toEqual(['/messages/send-message-text']);
		expect(refused).toBe(0);
	});

	it('the relay reaches the sandbox when protection is off: only n8n stands in the way', async () => {
		const config = Container.get(SsrfProtectionConfig);
		config.enabled = false;
		try {
			const result = await runCronCrm(sandbox.current, {
				parameters: { resource: 'tool', operation: 'checkWhatsapp', phone: PHONE },
				credentials: { baseUrl: blockedUrl },
			});
			expect(result.error).toBeUndefined();
			expect(result.requests.map((r) => r.path)).toEqual(['/tools/have-whatsapp']);
		} finally {
			config.enabled = true;
		}
	});

	it("a send to a CRONCRM on a blocked address fails at once with the package's error: SSRF, the host, the setting; nothing sent, no retry, no key", async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'message',
				operation: 'sendText',
				chatId: PHONE,
				message: 'Olá',
				checkWhatsapp: true,
			},
			credentials: { baseUrl: blockedUrl },
		});
		expect(result.error?.message).toBe(
			`Chat: CRONCRM's WhatsApp check for ${PHONE} failed: ${blockedMessage('127.0.0.2', 'GET /tools/have-whatsapp')} (item 0)`,
		);
		expect(result.error?.description).toContain('N8N_SSRF_PROTECTION_ENABLED=true');
		expect(result.error?.description).toContain('N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.2/32');
		expect(result.requests).toHaveLength(0);
		// A read is retried on network errors; this one was refused once and not tried again.
		expect(refused).toBe(1);
		expect(JSON.stringify(result.error)).not.toContain(DEFAULT_API_KEY);
	});

	it('a host name on N8N_SSRF_BLOCKED_HOSTNAMES is named, with N8N_SSRF_ALLOWED_HOSTNAMES to allow it', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'tag', operation: 'getMany' },
			credentials: { baseUrl: 'http://croncrm.blocked.test:8080/api/v2' },
		});
		expect(result.error?.message).toBe(blockedMessage('croncrm.blocked.test', 'GET /tags/find'));
		expect(result.error?.description).toContain(
			'croncrm.blocked.test is in its blocked host names (N8N_SSRF_BLOCKED_HOSTNAMES)',
		);
		expect(result.error?.description).toContain('N8N_SSRF_ALLOWED_HOSTNAMES=croncrm.blocked.test');
		expect(refused).toBe(1);
	});

	it('a media download from a blocked file host fails naming the host, without retries', async () => {
		chatOf(sandbox.current.state, WID)!.profile_picture =
			`http://127.0.0.2:${fileRelay.port}/pp/5521988248085.png`;
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'tool', operation: 'getProfilePicture', chatId: WID, download: true },
		});
		expect(result.requests.map((r) => r.path)).toEqual(['/tools/get-profile-picture']);
		expect(result.error?.message).toBe(
			"n8n's SSRF protection blocked the download of the file CRONCRM pointed to at 127.0.0.2",
		);
		expect(result.error?.description).toContain('N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.2/32');
		expect(fileRequests).toBe(0);
		expect(refused).toBe(1);
	});

	it('a dropdown (Instance list) on a blocked CRONCRM fails with the same error', async () => {
		const error = await searchList(sandbox.current, 'searchInstances', {
			credentials: { baseUrl: blockedUrl },
		}).catch((e: Error & { description?: string }) => e);
		expect((error as Error).message).toBe(blockedMessage('127.0.0.2', 'GET /instances/find'));
		expect(sandbox.current.requests).toHaveLength(0);
		expect(refused).toBe(1);
	});

	it("the credential's Test on a blocked CRONCRM fails with n8n's own SSRF message (n8n runs that request, not the package)", async () => {
		const allowed = await testCredential(sandboxCredentials(sandbox.current));
		expect(allowed.status).toBe('OK');
		const blocked = await testCredential(
			sandboxCredentials(sandbox.current, { baseUrl: blockedUrl }),
		);
		expect(blocked).toEqual({
			status: 'Error',
			message: 'The request was blocked because it resolves to a restricted IP address',
		});
		expect(sandbox.current.requests.map((r) => r.path)).toEqual(['/auth/status']);
	});

	it.each(['production', 'test'] as const)(
		"%s: the trigger's activation fails with the same error before it writes into any slot",
		async (mode) => {
			const instance = newInstance('Vendas', 1);
			sandbox.current.state.instances.push(instance);
			const slots = { ...(instance.webhooks as object) };
			const t = server.current.addTrigger(sandbox.current, {
				parameters: {
					instance: { __rl: true, mode: 'list', value: instance.access_token },
					events: ['onReceived'],
					options: {},
				},
				credentials: { baseUrl: blockedUrl },
			});
			const error = await t.create(mode).catch((e: Error) => e);
			expect((error as Error).message).toBe(blockedMessage('127.0.0.2', 'GET /instances/find'));
			expect(instance.webhooks).toEqual(slots);
			expect(sandbox.current.requests).toHaveLength(0);
			expect(refused).toBe(1);
		},
	);
});

describe('Transport: which setting allows a blocked host', () => {
	it.each([
		[{ host: '127.0.0.2', ip: '127.0.0.2' }, 'N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.2/32'],
		[{ host: '::1', ip: '::1' }, 'N8N_SSRF_ALLOWED_IP_RANGES=::1/128'],
		[
			{ host: 'croncrm.lan', ip: '192.168.1.5' },
			'N8N_SSRF_ALLOWED_HOSTNAMES=croncrm.lan (or N8N_SSRF_ALLOWED_IP_RANGES=192.168.1.5/32)',
		],
		[{ host: 'croncrm.blocked.test' }, 'N8N_SSRF_ALLOWED_HOSTNAMES=croncrm.blocked.test'],
	])('%j: %s', (block, setting) => expect(ssrfAllowance(block)).toBe(setting));
});
