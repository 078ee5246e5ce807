/**
 * A campaign that breaks midway and is retried, in a real n8n: the WhatsApp session drops after
 * some sends (the sandbox refuses the rest), the execution fails, the session comes back and the
 * user presses Retry (here n8n's public API). With Skip If Already Sent, n8n's retry re-runs the
 * send node for every item, and CRONCRM's own record of what went out keeps each contact to one
 * message.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { SEED } from '../../sandbox/handlers/seed';
import type { Execution } from '../../scripts/lib/n8n-client';
import { CREDENTIAL_NAME, type Stack } from '../../scripts/lib/stack';
import { callWebhook, eventually, Suite } from './harness';
import { chain, croncrmNode, webhookNode } from './workflows';

/** Sends that go through before the session drops. */
const SENT_BEFORE_DROP = 12;

export function campaignSuite(stack: Stack, report: (line: string) => void = console.log): Suite {
	const suite = new Suite('End-to-end: a campaign retried after WhatsApp dropped midway');
	const { n8n } = stack;
	const webhookBase = stack.n8nUrl.replace('localhost', '127.0.0.1');
	const credentials = { cronCrmApi: { id: stack.credentialId, name: CREDENTIAL_NAME } };
	const created: string[] = [];

	async function control<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${stack.sandbox.origin}/__sandbox${path}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		assert.ok(response.ok, `sandbox ${path} -> ${response.status}`);
		return (await response.json()) as T;
	}

	interface Row {
		chat_wid: string;
		source: string;
		message_body: string | null;
	}
	const sentWithText = async (text: string) =>
		(await control<{ messages: Row[] }>('/state')).messages.filter(
			(m) => m.source === 'in' && m.message_body === text,
		);

	suite.afterFailure(async () => {
		await control('/connection', { status: 'CONNECTED' }).catch(() => undefined);
		for (const id of created) await n8n.deactivate(id).catch(() => undefined);
	});

	suite.test(
		'with Skip If Already Sent, Retry after the drop messages every contact exactly once',
		async () => {
			const path = `campaign-${randomUUID()}`;
			const text = `Oferta de fim de ano ${randomUUID().slice(0, 8)}: 20% de desconto`;
			const workflow = await n8n.createWorkflow(
				chain('[e2e] campaign with Skip If Already Sent', [
					webhookNode(path, { responseMode: 'onReceived' }),
					croncrmNode(
						'Get Contacts',
						{
							resource: 'contact',
							operation: 'getMany',
							returnAll: true,
							filters: { list: { __rl: true, mode: 'id', value: SEED.lists.newsletter } },
						},
						credentials,
					),
					croncrmNode(
						'Send Offer',
						{
							resource: 'message',
							operation: 'sendText',
							chatId: '={{ $json.phone }}',
							message: text,
							skipIfAlreadySent: true,
							additionalFields: {},
						},
						credentials,
						[520, 0],
					),
				]),
			);
			created.push(workflow.id);
			await n8n.activate(workflow.id);

			await control('/connection', { disconnectAfterSends: SENT_BEFORE_DROP });
			const started = await callWebhook(webhookBase, path, {});
			assert.equal(started.status, 200);
			const failed = await eventually(
				'the campaign execution to fail',
				async () =>
					(await n8n.executions(workflow.id)).find((e) => e.status === 'error') as
						| Execution
						| undefined,
				120_000,
				500,
			);
			const contacts = SEED.newsletterContacts;
			const afterDrop = await sentWithText(text);
			assert.equal(afterDrop.length, SENT_BEFORE_DROP, 'sends before the session dropped');

			await control('/connection', { status: 'CONNECTED' });
			const retried = await n8n.retryExecution(failed.id);
			const finished = await eventually(
				'the retried execution to finish',
				async () => {
					const execution = await n8n.execution(retried.id);
					return ['running', 'new'].includes(execution.status) ? undefined : execution;
				},
				120_000,
				500,
			);
			assert.equal(finished.status, 'success', `retry ended ${finished.status}`);
			const sendRuns = finished.data?.resultData.runData['Send Offer'] ?? [];
			const items = sendRuns.at(-1)?.data?.main[0] ?? [];
			const skipped = items.filter((item) => item.json.skipped === true).length;

			const messages = await sentWithText(text);
			const perChat = new Map<string, number>();
			for (const m of messages) perChat.set(m.chat_wid, (perChat.get(m.chat_wid) ?? 0) + 1);
			const twice = [...perChat.values()].filter((count) => count > 1).length;
			report(
				`       campaign of ${contacts} contacts: ${SENT_BEFORE_DROP} sent before the drop, retry skipped ${skipped} and sent ${items.length - skipped}; contacts messaged twice: ${twice}`,
			);
			assert.equal(items.length, contacts, 'the retry ran the send for every contact');
			assert.equal(skipped, SENT_BEFORE_DROP, 'the retry skipped those already messaged');
			assert.equal(perChat.size, contacts, 'every contact got the offer');
			assert.equal(twice, 0, 'no contact got it twice');
			await n8n.deactivate(workflow.id);
		},
	);

	suite.test('clean up the campaign workflows', async () => {
		for (const id of created) await n8n.deleteWorkflow(id).catch(() => undefined);
	});

	return suite;
}
