/**
 * End-to-end with n8n 2.x's SSRF protection on. The stack runs n8n with protection on and only
 * the sandbox's 127.0.0.1 allowed (SSRF_SETTINGS), so every other suite on 2.x already proves the
 * allowed case. Here a second credential reaches the same sandbox through 127.0.0.2, an address
 * n8n does not allow: a send fails with the package's error naming the protection, the host and
 * the setting, and a trigger does not activate and writes nothing into a slot.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Server } from 'node:net';

import { SEED } from '../../sandbox/handlers/seed';
import { DEFAULT_API_KEY } from '../../sandbox/server';
import { SSRF_SETTINGS, type Stack } from '../../scripts/lib/stack';
import { eventually, sleep, Suite } from './harness';
import { chain, croncrmNode, triggerNode, webhookNode, type CredentialRef } from './workflows';

const BLOCKED_CREDENTIAL = 'CRONCRM sandbox via 127.0.0.2 (not allowed)';

export function ssrfSuite(stack: Stack): Suite {
	const suite = new Suite(
		`End-to-end: n8n with SSRF protection on (${SSRF_SETTINGS.N8N_SSRF_ALLOWED_IP_RANGES} allowed), a CRONCRM on 127.0.0.2`,
	);
	const { n8n } = stack;
	const webhookBase = stack.n8nUrl.replace('localhost', '127.0.0.1');
	// The sandbox only listens on 127.0.0.1; the relay takes the same port on 127.0.0.2.
	const port = Number(new URL(stack.sandbox.url).port);
	const blockedUrl = `http://127.0.0.2:${port}/api/v2`;
	let relay: Server | undefined;
	let credentials: CredentialRef;
	const created: string[] = [];

	const requestsSince = (since: number) => stack.sandbox.requests.filter((r) => r.at >= since);

	suite.test('127.0.0.2 reaches the sandbox: only n8n stands in the way', async () => {
		const id = await n8n.upsertCredential(BLOCKED_CREDENTIAL, 'cronCrmApi', {
			apiKey: DEFAULT_API_KEY,
			baseUrl: blockedUrl,
			requestsPerWindow: 50,
			windowSeconds: 10,
		});
		credentials = { cronCrmApi: { id, name: BLOCKED_CREDENTIAL } };
		relay = createServer((socket) => {
			const upstream = createConnection(port, '127.0.0.1');
			socket.pipe(upstream).pipe(socket);
			const close = () => (socket.destroy(), upstream.destroy());
			socket.on('error', close);
			upstream.on('error', close);
		});
		await new Promise<void>((resolve, reject) => {
			relay!.once('error', reject);
			relay!.listen(port, '127.0.0.2', resolve);
		});
		// A control route: outside the API's rate window, which the suites before may have filled.
		const response = await fetch(`http://127.0.0.2:${port}/__sandbox/state`);
		assert.equal(response.status, 200);
		assert.ok(Array.isArray(((await response.json()) as { instances?: unknown }).instances));
	});

	suite.test(
		"a send to it fails with the package's error: SSRF protection, the host, the setting; nothing reaches CRONCRM",
		async () => {
			const since = Date.now();
			const workflow = await n8n.createWorkflow(
				chain('[e2e] SSRF blocked send', [
					webhookNode('e2e-ssrf-send'),
					croncrmNode(
						'Send Text',
						{
							resource: 'message',
							operation: 'sendText',
							chatId: '={{ $json.body.phone }}',
							message: 'Olá',
							checkWhatsapp: true,
							additionalFields: {},
						},
						credentials,
					),
				]),
			);
			created.push(workflow.id);
			await n8n.activate(workflow.id);
			// Posted until n8n serves the path (404 for a moment after activation), then once only.
			const status = await eventually('the webhook served', async () => {
				const response = await fetch(`${webhookBase}/webhook/e2e-ssrf-send`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ phone: '+5511999999999' }),
				});
				await response.arrayBuffer();
				return response.status === 404 ? undefined : response.status;
			});
			assert.ok(status >= 400, `the webhook answered ${status}`);
			const [execution] = await eventually('the failed execution', async () => {
				const done = (await n8n.executions(workflow.id)).filter((e) => e.status === 'error');
				return done.length ? done : undefined;
			});
			assert.equal(
				execution.data?.resultData.error?.message,
				"Chat: CRONCRM's WhatsApp check for +5511999999999 failed: n8n's SSRF protection blocked the request to CRONCRM at 127.0.0.2 (GET /tools/have-whatsapp) (item 0)",
			);
			const description = String(
				(execution.data?.resultData.error as { description?: string } | undefined)?.description,
			);
			assert.match(description, /N8N_SSRF_ALLOWED_IP_RANGES=127\.0\.0\.2\/32/);
			assert.ok(!JSON.stringify(execution).includes(DEFAULT_API_KEY), 'the API key is not shown');
			assert.deepEqual(requestsSince(since), [], 'nothing reached the sandbox');
			await n8n.deactivate(workflow.id);
		},
	);

	suite.test(
		"a trigger on it does not activate: n8n shows the package's error, and no slot changes",
		async () => {
			const since = Date.now();
			const instance = SEED.instances.sales;
			const slotsBefore = () =>
				JSON.stringify(
					stack.sandbox.state.instances.find((i) => i.access_token === instance)!.webhooks,
				);
			const before = slotsBefore();
			const workflow = await n8n.createWorkflow(
				chain('[e2e] SSRF blocked trigger', [
					triggerNode(randomUUID(), instance, ['onReceived'], credentials),
				]),
			);
			created.push(workflow.id);
			// 2.x publishes in the background: the API may answer success, and n8n records the error.
			const refused = await n8n.activate(workflow.id).then(
				() => undefined,
				(error: Error) => error.message,
			);
			const error =
				refused ??
				(await eventually(
					'the activation error',
					async () => await n8n.activationError(workflow.id),
				).catch(async (timeout: Error) => {
					const status = await n8n
						.rest('GET', `/workflows/${workflow.id}/publication-status`)
						.catch((e: Error) => e.message);
					throw new Error(`${timeout.message}; publication status: ${JSON.stringify(status)}`);
				}));
			assert.ok(
				error.includes(
					"n8n's SSRF protection blocked the request to CRONCRM at 127.0.0.2 (GET /instances/find)",
				),
				`activation error: ${error}`,
			);
			await sleep(1000); // a slot written late would show by now
			assert.equal(slotsBefore(), before, 'no slot changed');
			assert.deepEqual(requestsSince(since), [], 'nothing reached the sandbox');
			await n8n.deactivate(workflow.id).catch(() => undefined);
		},
	);

	suite.test('clean up: workflows, the credential and the relay', async () => {
		for (const id of created) {
			await n8n.deactivate(id).catch(() => undefined);
			await eventually(`workflow ${id} deleted`, async () => {
				await n8n.deleteWorkflow(id);
				return true;
			});
		}
		if (credentials) await n8n.rest('DELETE', `/credentials/${credentials.cronCrmApi.id}`);
		await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
	});

	return suite;
}
