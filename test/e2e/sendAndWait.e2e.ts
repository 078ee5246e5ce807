/**
 * Message → Send and Wait for Response in a real n8n, on both lines: a published workflow sends
 * the text, the sandbox receives it with n8n's links, and opening a link (over HTTP, and in
 * Chromium for the form) resumes the waiting execution with the answer. Forged links are refused
 * by n8n's signature check and, with that check passed (re-signed with the instance's secret,
 * which scripts/e2e.ts sets), by the package's own token; the execution keeps waiting.
 *
 * Waiting executions are read by id (the id is in the resume URL): n8n 1.x's public API does not
 * list them under ?workflowId=.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, type Page } from 'playwright-core';

import type { RecordedRequest } from '../../sandbox/server';
import type { Execution } from '../../scripts/lib/n8n-client';
import { CHROMIUM_ARGS, freshProfileDir } from '../../scripts/lib/browser';
import { CREDENTIAL_NAME, OWNER, REPO_ROOT, type Stack } from '../../scripts/lib/stack';
import { eventually, Suite } from './harness';
import { ACTION, chain, croncrmNode, webhookNode } from './workflows';

/** Set for n8n by scripts/e2e.ts, so that forged links can pass n8n's own check. */
export const HMAC_SIGNATURE_SECRET_ENV = 'N8N_HMAC_SIGNATURE_SECRET';

/**
 * A link changed by `change`, then signed as n8n signs resume URLs (n8n-core's
 * generateUrlSignature: HMAC-SHA256, hex, over the path and query without `signature`, and on 1.x
 * the host before them).
 */
function forgeAndResign(
	link: string,
	secret: string,
	n8nLine: '1' | '2',
	change: (url: URL) => void,
): string {
	const url = new URL(link);
	change(url);
	url.searchParams.delete('signature');
	// n8n 1.x signs the host too.
	const signed = `${n8nLine === '1' ? url.host : ''}${url.pathname}${url.search}`;
	const signature = createHmac('sha256', secret).update(signed).digest('hex');
	url.searchParams.set('signature', signature);
	return url.href;
}

/** Statuses of an execution that has ended. */
const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

function changed(link: string, change: (url: URL) => void): string {
	const url = new URL(link);
	change(url);
	return url.href;
}

export function sendAndWaitSuite(
	stack: Stack,
	options: {
		chromiumPath?: string;
		artifacts: string;
		updateReadmeShots?: boolean;
		/** The n8n line under test: n8n's "Human review" tool variant exists on 2.x only. */
		n8nLine: '1' | '2';
	},
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
				const [, id] = /\/webhook-waiting\/([^/]+)\//.exec(Object.values(links)[0] ?? '') ?? [];
				assert.ok(id, `no resume URL in the message: ${message}`);
				const execution = await eventually('the waiting execution', async () => {
					const found = await executionById(id);
					return found.status === 'waiting' ? found : undefined;
				});
				return { sent, message, links, execution };
			},
			/** The execution once it finished, and what the CRONCRM node output. */
			async finished(id: Execution['id']) {
				const outputOf = (execution: Execution) =>
					(execution.data?.resultData.runData.Ask ?? []).flatMap((run) =>
						(run.data?.main[0] ?? []).map((item) => item.json),
					);
				const seen: string[] = [];
				const execution = await eventually(
					'the resumed execution to finish with the answer',
					async () => {
						const found = await executionById(id);
						const output = outputOf(found);
						const state = `${found.status} with ${output.length} item(s)`;
						if (seen.at(-1) !== state) seen.push(state);
						// An end state with the resumed node's run in its data. While resuming, n8n takes
						// the waiting node's run off the data to run it again; n8n 1.x on SQLite then saves
						// the final status and the final data in two writes (@n8n/db's
						// updateExistingExecution, no transaction), so a read in between sees "success"
						// with the data of the run still missing.
						return FINISHED.has(found.status) && output.length > 0 ? found : undefined;
					},
				).catch((error: Error) => {
					throw new Error(`${error.message}; seen: ${seen.join(' → ')}`);
				});
				if (seen.length > 1) console.log(`    execution ${id}: ${seen.join(' → ')}`);
				return { execution, output: outputOf(execution) };
			},
		};
	}

	async function executionById(id: Execution['id']): Promise<Execution> {
		return await n8n.api<Execution>('GET', `/executions/${id}?includeData=true`);
	}

	async function expectWaiting(...ids: Array<Execution['id']>) {
		for (const id of ids)
			assert.equal((await executionById(id)).status, 'waiting', `execution ${id}`);
	}

	/** Opens `url` in a fresh Chromium; `use` drives the page. */
	async function inChromium(url: string, use: (page: Page) => Promise<void>, height = 820) {
		const context = await chromium.launchPersistentContext(freshProfileDir(), {
			executablePath: options.chromiumPath,
			args: CHROMIUM_ARGS,
			viewport: { width: 720, height },
		});
		try {
			const page = await context.newPage();
			await page.goto(url);
			await use(page);
		} finally {
			await context.close();
		}
	}

	/** Saves a screenshot to the artifacts and, with --update-screenshots, to the README's. */
	async function screenshot(page: Page, name: string) {
		const shots = join(options.artifacts, 'screenshots');
		mkdirSync(shots, { recursive: true });
		await page.screenshot({ path: join(shots, name) });
		if (options.updateReadmeShots) {
			copyFileSync(join(shots, name), join(REPO_ROOT, 'docs', 'screenshots', name));
		}
	}

	async function submit(url: string, fields: Record<string, string> = {}) {
		const form = new FormData();
		for (const [name, value] of Object.entries(fields)) form.append(name, value);
		const response = await fetch(url, { method: 'POST', body: form });
		return { status: response.status, html: await response.text() };
	}

	suite.test(
		'approval (in Portuguese, the default): the sandbox gets the text with Aprovar and Recusar links; the decline link resumes the execution',
		async () => {
			const flow = await publish('approval', {
				approvalOptions: { values: { approvalType: 'double' } },
			});
			const { sent, message, links, execution } = await flow.start(
				'+55 (21) 99000-0101',
				'Confirma o pedido #1234?',
			);
			assert.equal(sent.body.chat_wid, '5521990000101@c.us');
			assert.match(message, /^Confirma o pedido #1234\?\n\nAprovar: http/);
			assert.deepEqual(Object.keys(links), ['Aprovar', 'Recusar']);
			for (const url of Object.values(links)) {
				assert.ok(
					url.startsWith(`${webhookBase}/webhook-waiting/${execution.id}/`),
					`link under n8n's resume URL: ${url}`,
				);
				assert.match(new URL(url).searchParams.get('token') ?? '', /^[\w-]{43}$/);
				assert.match(new URL(url).searchParams.get('signature') ?? '', /^[0-9a-f]{64}$/);
			}

			const page = await fetch(links.Recusar);
			const html = await page.text();
			assert.equal(page.status, 200, html);
			assert.match(html, /<html lang="pt-BR">/);
			assert.match(html, />Recusar<\/button>/);
			assert.match(html, /Confirma o pedido #1234\?/);
			// Opening the page answered nothing.
			await expectWaiting(execution.id);

			if (options.chromiumPath) {
				await inChromium(
					links.Aprovar,
					async (approvalPage) => {
						await approvalPage.getByRole('button', { name: 'Aprovar' }).waitFor();
						await screenshot(approvalPage, 'send-and-wait-approval.png');
					},
					300,
				);
				await expectWaiting(execution.id);
			}

			const answer = await submit(links.Recusar);
			assert.equal(answer.status, 200, answer.html);
			assert.match(answer.html, /Recebemos, obrigado!/);
			const { execution: done, output } = await flow.finished(execution.id);
			assert.equal(done.status, 'success');
			assert.deepEqual(output, [{ data: { approved: false } }]);

			// The execution is over: n8n itself answers that no action is needed any more.
			const again = await fetch(links.Aprovar);
			assert.notEqual(again.status, 500);
			assert.equal((await executionById(execution.id)).status, 'success');
		},
	);

	suite.test(
		"forged links: a changed token, a changed signature, another execution's id, a flipped approved are each refused; both executions keep waiting; then the genuine links answer",
		async () => {
			const secret = process.env[HMAC_SIGNATURE_SECRET_ENV];
			assert.ok(secret, `${HMAC_SIGNATURE_SECRET_ENV} is not set for n8n`);
			const flow = await publish('forged', {});
			const first = await flow.start('+55 (21) 99000-0102', 'Aprova o desconto?');
			const second = await flow.start('+55 (21) 99000-0105', 'Aprova o reembolso?');
			const link = first.links.Aprovar;
			const ids = [first.execution.id, second.execution.id];
			const otherExecution = (url: URL) => {
				url.pathname = url.pathname.replace(`/${ids[0]}/`, `/${ids[1]}/`);
			};
			const forgeries: Record<string, (url: URL) => void> = {
				'a changed token': (url) => {
					const token = url.searchParams.get('token')!;
					url.searchParams.set('token', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
				},
				"another execution's id": otherExecution,
				'approved flipped on an approve-only message': (url) =>
					url.searchParams.set('approved', 'false'),
			};

			// As the contact can forge them: n8n's signature no longer matches, and n8n refuses.
			const asForged = {
				...forgeries,
				'a changed signature': (url: URL) => url.searchParams.set('signature', 'f'.repeat(64)),
			};
			for (const [what, change] of Object.entries(asForged)) {
				for (const method of ['GET', 'POST']) {
					const response =
						method === 'GET'
							? await fetch(changed(link, change))
							: await fetch(changed(link, change), { method, body: new FormData() });
					const body = await response.text();
					assert.equal(response.status, 401, `${what} (${method}): ${body}`);
					assert.doesNotMatch(body, /Aprova o desconto/, what);
				}
				await expectWaiting(...ids);
			}

			// The re-signing is n8n's own: re-signing the genuine link gives the signature n8n gave it.
			const genuine = forgeAndResign(link, secret, options.n8nLine, () => undefined);
			assert.equal(
				new URL(genuine).searchParams.get('signature'),
				new URL(link).searchParams.get('signature'),
			);

			// With n8n's signature made valid, as on an n8n that does not check it: the package's token
			// refuses each one with its own page, before any page or answer.
			for (const [what, change] of Object.entries(forgeries)) {
				for (const method of ['GET', 'POST']) {
					const forged = forgeAndResign(link, secret, options.n8nLine, change);
					const response =
						method === 'GET'
							? await fetch(forged)
							: await fetch(forged, { method, body: new FormData() });
					const body = await response.text();
					assert.equal(response.status, 403, `${what} (${method}): ${body}`);
					assert.match(body, /<html lang="pt-BR">/, what);
					assert.match(body, /<h1>Link inválido<\/h1>/, what);
					assert.doesNotMatch(body, /Aprova o (desconto|reembolso)|<form/, what);
				}
				await expectWaiting(...ids);
			}
			assert.equal((await submit(link)).status, 200);
			assert.deepEqual((await flow.finished(ids[0])).output, [{ data: { approved: true } }]);
			await expectWaiting(ids[1]);
			assert.equal((await submit(second.links.Aprovar)).status, 200);
			assert.deepEqual((await flow.finished(ids[1])).output, [{ data: { approved: true } }]);
		},
	);

	suite.test('free text over HTTP: the form page, then the answer in the output', async () => {
		const flow = await publish('free text', { responseType: 'freeText' });
		const { links, execution } = await flow.start('+55 (21) 99000-0103', 'Qual horário é melhor?');
		const form = await (await fetch(links.Responder)).text();
		assert.match(form, /<textarea id="field-0" name="field-0" required>/);
		const empty = await submit(links.Responder, { 'field-0': ' ' });
		assert.equal(empty.status, 400);
		assert.match(empty.html, /Preencha &quot;Resposta&quot;\./);
		const answer = await submit(links.Responder, { 'field-0': 'Amanhã às 10h' });
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
						{ fieldLabel: 'Seu nome', fieldType: 'text', requiredField: true },
						{ fieldLabel: 'Pessoas', fieldType: 'number', requiredField: true },
						{
							fieldLabel: 'Período',
							fieldType: 'dropdown',
							fieldOptions: 'Manhã, Tarde, Noite',
							requiredField: true,
						},
						{ fieldLabel: 'Algo mais?', fieldType: 'textarea' },
					],
				},
				responseOptions: { formTitle: 'Agende sua visita', linkLabel: 'Agende aqui' },
			});
			const { links, execution } = await flow.start(
				'+55 (21) 99000-0104',
				'Olá! Diga quando gostaria de visitar o showroom.',
			);
			await inChromium(links['Agende aqui'], async (page) => {
				await page.getByLabel('Seu nome').fill('Maria Silva');
				await page.getByLabel('Pessoas').fill('3');
				await page.getByLabel('Período').selectOption('Tarde');
				await page.getByLabel('Algo mais?').fill('Vamos de carro.');
				await screenshot(page, 'send-and-wait-form.png');
				await page.getByRole('button', { name: 'Enviar' }).click();
				await page.getByText('Recebemos, obrigado!').first().waitFor();
			});
			const { output } = await flow.finished(execution.id);
			assert.deepEqual(output, [
				{
					data: {
						'Seu nome': 'Maria Silva',
						Pessoas: 3,
						Período: 'Tarde',
						'Algo mais?': 'Vamos de carro.',
					},
				},
			]);
		},
	);

	if (options.n8nLine === '2')
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
				).json()) as Array<{
					name: string;
					properties: Array<{ name: string; default?: unknown }>;
				}>;
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
