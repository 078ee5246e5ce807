/**
 * Message → Send and Wait for Response in a real n8n: a published workflow sends the text, the
 * sandbox receives it with n8n's links, and opening a link (over HTTP, and in Chromium for the
 * form) resumes the waiting execution with the answer.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import type { RecordedRequest } from '../../sandbox/server';
import type { Execution } from '../../scripts/lib/n8n-client';
import { CHROMIUM_ARGS, freshProfileDir } from '../../scripts/lib/browser';
import { CREDENTIAL_NAME, OWNER, REPO_ROOT, type Stack } from '../../scripts/lib/stack';
import { eventually, Suite } from './harness';
import { ACTION, chain, croncrmNode, webhookNode } from './workflows';

export function sendAndWaitSuite(
	stack: Stack,
	options: { chromiumPath?: string; artifacts: string; updateReadmeShots?: boolean },
): Suite {
	const suite = new Suite('End-to-end: Message → Send and Wait for Response in n8n');
	const { n8n, sandbox } = stack;
	const webhookBase = stack.n8nUrl.replace('localhost', '127.0.0.1');
	const credentials = { cronCrmApi: { id: stack.credentialId, name: CREDENTIAL_NAME } };
	const created: string[] = [];

	suite.afterFailure(async () => {
		for (const id of created) await n8n.deactivate(id).catch(() => undefined);
	});

	/** Webhook → CRONCRM (Send and Wait), published; returns a function that starts it. */
	async function publish(name: string, parameters: Record<string, unknown>) {
		const path = `e2e-wait-${randomUUID()}`;
		const workflow = await n8n.createWorkflow(
			chain(`[e2e] send and wait: ${name}`, [
				webhookNode(path, { responseMode: 'onReceived' }),
				croncrmNode(
					'Ask',
					{
						resource: 'message',
						operation: 'sendAndWait',
						chatId: '={{ $json.body.phone }}',
						message: '={{ $json.body.text }}',
						...parameters,
					},
					credentials,
				),
			]),
		);
		created.push(workflow.id);
		await n8n.activate(workflow.id);
		return {
			workflow,
			/** Starts one execution; resolves with the text the sandbox received and its links. */
			async start(phone: string, text: string) {
				const since = Date.now();
				await eventually(`webhook /webhook/${path}`, async () => {
					const response = await fetch(`${webhookBase}/webhook/${path}`, {
						method: 'POST',
						headers: { 'Content-Type': 'application/json' },
						body: JSON.stringify({ phone, text }),
					});
					return response.status === 404 ? undefined : response.status;
				});
				const [sent] = await eventually('the text with the links in the sandbox', async () => {
					const response = await fetch(`${sandbox.origin}/__sandbox/requests`);
					const requests = ((await response.json()) as RecordedRequest[]).filter(
						(r) => r.at >= since && r.route === 'POST /messages/send-message-text',
					);
					return requests.length ? requests : undefined;
				});
				const message = String(sent.body.message);
				const links = Object.fromEntries(
					[...message.matchAll(/^(.+): (http\S+)$/gm)].map(([, label, url]) => [label, url]),
				);
				const execution = await eventually('the waiting execution', async () => {
					const waiting = (await n8n.executions(workflow.id)).filter((e) => e.status === 'waiting');
					return waiting.length === 1 ? waiting[0] : undefined;
				});
				return { sent, message, links, execution };
			},
			/** The execution once it finished, and what the CRONCRM node output. */
			async finished(id: Execution['id']) {
				const execution = await eventually('the resumed execution to finish', async () => {
					const found = (await n8n.executions(workflow.id)).find((e) => e.id === id);
					return found && found.status !== 'waiting' && found.status !== 'running'
						? found
						: undefined;
				});
				const output = (execution.data?.resultData.runData.Ask ?? []).flatMap((run) =>
					(run.data?.main[0] ?? []).map((item) => item.json),
				);
				return { execution, output };
			},
		};
	}

	async function submit(url: string, fields: Record<string, string> = {}) {
		const form = new FormData();
		for (const [name, value] of Object.entries(fields)) form.append(name, value);
		const response = await fetch(url, { method: 'POST', body: form });
		return { status: response.status, html: await response.text() };
	}

	suite.test(
		'approval: the sandbox gets the text with approve and decline links; the decline link resumes the execution',
		async () => {
			const flow = await publish('approval', {
				approvalOptions: { values: { approvalType: 'double' } },
			});
			const { sent, message, links, execution } = await flow.start(
				'+55 (21) 99000-0101',
				'Confirm the order #1234?',
			);
			assert.equal(sent.body.chat_wid, '5521990000101@c.us');
			assert.match(message, /^Confirm the order #1234\?\n\nApprove: http/);
			assert.deepEqual(Object.keys(links), ['Approve', 'Decline']);
			for (const url of Object.values(links)) {
				assert.ok(
					url.startsWith(`${webhookBase}/webhook-waiting/${execution.id}/`),
					`link under n8n's resume URL: ${url}`,
				);
			}

			const page = await fetch(links.Decline);
			const html = await page.text();
			assert.equal(page.status, 200, html);
			assert.match(html, />Decline<\/button>/);
			assert.match(html, /Confirm the order #1234\?/);
			// Opening the page answered nothing.
			const stillWaiting = (await n8n.executions(flow.workflow.id)).find(
				(e) => e.id === execution.id,
			);
			assert.equal(stillWaiting?.status, 'waiting');

			const answer = await submit(links.Decline);
			assert.equal(answer.status, 200, answer.html);
			assert.match(answer.html, /Got it, thanks/);
			const { execution: done, output } = await flow.finished(execution.id);
			assert.equal(done.status, 'success');
			assert.deepEqual(output, [{ data: { approved: false } }]);

			// The execution is over: n8n itself answers that no action is needed any more.
			const again = await fetch(links.Approve);
			assert.notEqual(again.status, 500);
			const after = (await n8n.executions(flow.workflow.id)).find((e) => e.id === execution.id);
			assert.equal(after?.status, 'success');
		},
	);

	suite.test(
		'a link with a forged signature is refused by n8n; the execution keeps waiting',
		async () => {
			const flow = await publish('forged', {});
			const { links, execution } = await flow.start('+55 (21) 99000-0102', 'Approve?');
			const forged = new URL(links.Approve);
			forged.searchParams.set('approved', 'false');
			const refused = await submit(forged.href);
			assert.equal(refused.status, 401, refused.html);
			const still = (await n8n.executions(flow.workflow.id)).find((e) => e.id === execution.id);
			assert.equal(still?.status, 'waiting');
			// The real link still works.
			await submit(links.Approve);
			const { output } = await flow.finished(execution.id);
			assert.deepEqual(output, [{ data: { approved: true } }]);
		},
	);

	suite.test('free text over HTTP: the form page, then the answer in the output', async () => {
		const flow = await publish('free text', { responseType: 'freeText' });
		const { links, execution } = await flow.start('+55 (21) 99000-0103', 'Which time suits you?');
		const form = await (await fetch(links.Respond)).text();
		assert.match(form, /<textarea id="field-0" name="field-0" required>/);
		const answer = await submit(links.Respond, { 'field-0': 'Amanhã às 10h' });
		assert.equal(answer.status, 200, answer.html);
		const { output } = await flow.finished(execution.id);
		assert.deepEqual(output, [{ data: { text: 'Amanhã às 10h' } }]);
	});

	suite.test(
		'custom form in Chromium: fill in the form the link opens; the answers resume the execution',
		async () => {
			if (!options.chromiumPath) return;
			const flow = await publish('custom form', {
				responseType: 'customForm',
				formFields: {
					values: [
						{ fieldLabel: 'Your name', fieldType: 'text', requiredField: true },
						{ fieldLabel: 'People', fieldType: 'number', requiredField: true },
						{
							fieldLabel: 'Period',
							fieldType: 'dropdown',
							fieldOptions: 'Morning, Afternoon, Evening',
							requiredField: true,
						},
						{ fieldLabel: 'Anything else?', fieldType: 'textarea' },
					],
				},
				responseOptions: { formTitle: 'Book your visit', linkLabel: 'Book here' },
			});
			const { links, execution } = await flow.start(
				'+55 (21) 99000-0104',
				'Olá! Tell us when you would like to visit the showroom.',
			);
			const context = await chromium.launchPersistentContext(freshProfileDir(), {
				executablePath: options.chromiumPath,
				args: CHROMIUM_ARGS,
				viewport: { width: 720, height: 820 },
			});
			try {
				const page = await context.newPage();
				await page.goto(links['Book here']);
				await page.getByLabel('Your name').fill('Maria Silva');
				await page.getByLabel('People').fill('3');
				await page.getByLabel('Period').selectOption('Afternoon');
				await page.getByLabel('Anything else?').fill('We will come by car.');
				const shots = join(options.artifacts, 'screenshots');
				mkdirSync(shots, { recursive: true });
				await page.screenshot({ path: join(shots, 'send-and-wait-form.png') });
				await page.getByRole('button', { name: 'Submit' }).click();
				await page.getByText('Got it, thanks').first().waitFor();
				if (options.updateReadmeShots) {
					copyFileSync(
						join(shots, 'send-and-wait-form.png'),
						join(REPO_ROOT, 'docs', 'screenshots', 'send-and-wait-form.png'),
					);
				}
			} finally {
				await context.close();
			}
			const { output } = await flow.finished(execution.id);
			assert.deepEqual(output, [
				{
					data: {
						'Your name': 'Maria Silva',
						People: 3,
						Period: 'Afternoon',
						'Anything else?': 'We will come by car.',
					},
				},
			]);
		},
	);

	suite.test(
		"n8n offers the node to AI agents as a tool and, for Send and Wait, as a 'Human review' tool",
		async () => {
			const login = await fetch(`${stack.n8nUrl}/rest/login`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'browser-id': 'croncrm-e2e' },
				body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
			});
			assert.equal(login.status, 200);
			const cookie = login.headers
				.getSetCookie()
				.find((c) => c.startsWith('n8n-auth='))!
				.split(';')[0];
			const types = (await (
				await fetch(`${stack.n8nUrl}/types/nodes.json`, {
					headers: { Cookie: cookie, 'browser-id': 'croncrm-e2e' },
				})
			).json()) as Array<{ name: string; properties: Array<{ name: string; default?: unknown }> }>;
			const names = types.map((type) => type.name).filter((name) => name.includes('cronCrm'));
			assert.ok(names.includes(`${ACTION}Tool`), names.join(', '));
			const review = types.find((type) => type.name === `${ACTION}HitlTool`);
			assert.ok(review, `no Human review variant in ${names.join(', ')}`);
			const operation = review.properties.find((property) => property.name === 'operation');
			assert.equal(operation?.default, 'sendAndWait');
		},
	);

	suite.test('clean up the Send and Wait workflows', async () => {
		for (const id of created) {
			await n8n.deactivate(id).catch(() => undefined);
			await eventually(`workflow ${id} deleted`, async () => {
				await n8n.deleteWorkflow(id);
				return true;
			});
		}
	});

	return suite;
}
