import { generateUrlSignature, InstanceSettings, prepareUrlForSigning } from 'n8n-core';
import type { IDataObject } from 'n8n-workflow';

import { CronCrm } from '../../nodes/CronCrm/CronCrm.node';
import { nodeTypes, registerNodeType, runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';
import { chatOf } from '../../sandbox/handlers/common';
import { checkOutputSchema } from '../helpers/schemas';
import { startWaitingServer, type WaitingExecution, type WaitingServer } from '../helpers/waiting';
import { answerToken } from '../../nodes/CronCrm/resources/message/sendAndWait/answerToken';
import { WAIT_INDEFINITELY } from '../../nodes/CronCrm/resources/message/sendAndWait/run';
import {
	PAGE_TEXTS,
	type PageLanguage,
	type PageTexts,
} from '../../nodes/CronCrm/resources/message/sendAndWait/texts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require('n8n-core/node_modules/@n8n/di') as typeof import('@n8n/di');

/**
 * Message → Send and Wait for Response through n8n's engine: the text reaches the sandbox with
 * its links, the execution waits, and opening a link resumes it with the answer.
 */

/** The answer is what the operation's committed output schema says (scripts/schemas.ts). */
function answerMatchesSchema(items: Array<{ json: IDataObject }>) {
	checkOutputSchema('message', 'sendAndWait', items, false);
}

const sandbox = useSandbox();
let server: WaitingServer;
beforeAll(async () => (server = await startWaitingServer()));
afterAll(async () => await server.close());

const WID = '5521988248085@c.us';

function sendAndWait(parameters: IDataObject = {}): IDataObject {
	return {
		resource: 'message',
		operation: 'sendAndWait',
		chatId: '+55 (21) 98824-8085',
		message: 'Can we confirm your visit on Friday?',
		...parameters,
	};
}

/** The links the contact received, by label ("Approve: http://..."). */
function linksIn(text: string): Record<string, string> {
	return Object.fromEntries(
		[...text.matchAll(/^(.+): (http\S+)$/gm)].map(([, label, url]) => [label, url]),
	);
}

function sentTexts(): string[] {
	return sandbox.current.requests
		.filter((request) => request.path === '/messages/send-message-text')
		.map((request) => String((request.body as IDataObject).message));
}

async function post(url: string, fields: Record<string, string> = {}) {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	const response = await fetch(url, { method: 'POST', body: form });
	return { status: response.status, html: await response.text() };
}

/** A link changed by `change`, re-signed with n8n's secret where n8n signs links. */
function forge(link: string, change: (url: URL) => void): string {
	const url = new URL(link);
	change(url);
	if (url.searchParams.has('signature')) {
		url.searchParams.delete('signature');
		const secret = Container.get(InstanceSettings).hmacSignatureSecret;
		url.searchParams.set('signature', generateUrlSignature(prepareUrlForSigning(url), secret));
	}
	return url.href;
}

describe('Message: Send and Wait for Response (send-message-text, then wait)', () => {
	it('sends the text with approve and decline links to the node, and waits without limit', async () => {
		const execution = await server.start(
			sandbox.current,
			sendAndWait({
				approvalOptions: {
					values: { approvalType: 'double', approveLabel: '✅ Yes', disapproveLabel: '❌ No' },
				},
			}),
		);
		expect(execution.run.status).toBe('waiting');
		expect(execution.run.data.waitTill).toEqual(WAIT_INDEFINITELY);
		expect(execution.run.data.resultData.runData.CRONCRM[0].executionStatus).toBe('waiting');

		const [request] = sandbox.current.requests;
		expect(sandbox.current.requests).toHaveLength(1);
		expect(request).toMatchObject({ method: 'POST', path: '/messages/send-message-text' });
		expect((request.body as IDataObject).chat_wid).toBe(WID);
		const text = String((request.body as IDataObject).message);
		expect(text.startsWith('Can we confirm your visit on Friday?\n\n')).toBe(true);
		const links = linksIn(text);
		expect(Object.keys(links)).toEqual(['✅ Yes', '❌ No']);
		const prefix = `${server.base}/webhook-waiting/${execution.id}/${execution.node.id}?`;
		expect(links['✅ Yes'].startsWith(prefix)).toBe(true);
		expect(new URL(links['✅ Yes']).searchParams.get('approved')).toBe('true');
		expect(new URL(links['❌ No']).searchParams.get('approved')).toBe('false');
		expect(new URL(links['❌ No']).searchParams.get('signature')).toMatch(/\w{20,}/);
	});

	it('Check WhatsApp First: asks tools/have-whatsapp, then sends the text with its links to the wid it answers', async () => {
		// WhatsApp knows this contact by the number from before the ninth digit.
		chatOf(sandbox.current.state, '552188248085@c.us');
		const execution = await server.start(sandbox.current, sendAndWait({ checkWhatsapp: true }));
		expect(execution.run.status).toBe('waiting');
		expect(sandbox.current.requests.map((r) => r.path)).toEqual([
			'/tools/have-whatsapp',
			'/messages/send-message-text',
		]);
		expect((sandbox.current.requests[1].body as IDataObject).chat_wid).toBe('552188248085@c.us');
		expect(Object.keys(linksIn(sentTexts()[0]))).toEqual(['Aprovar']);
	});

	it('Check WhatsApp First: a number without WhatsApp fails before anything is sent, and nothing waits', async () => {
		const execution = await server
			.start(sandbox.current, sendAndWait({ chatId: '(11) 97777-6666', checkWhatsapp: true }))
			.catch((error: Error) => error);
		const error = execution instanceof Error ? execution : execution.run.data.resultData.error;
		expect(error?.message).toBe('Chat: +5511977776666 has no WhatsApp (item 0)');
		expect(sandbox.current.requests.map((r) => r.path)).toEqual(['/tools/have-whatsapp']);
	});

	it('approve: opening the link shows a confirmation page; pressing its button resumes with approved: true', async () => {
		const execution = await server.start(sandbox.current, sendAndWait(), [{ lead: 7 }]);
		const links = linksIn(sentTexts()[0]);
		expect(Object.keys(links)).toEqual(['Aprovar']);

		// Opening the link (or a link preview fetching it) answers nothing.
		const page = await fetch(links.Aprovar);
		const html = await page.text();
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toContain('text/html');
		expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
		expect(html).toContain('Can we confirm your visit on Friday?');
		expect(html).toMatch(/<form method="post" action=""[^>]*>/);
		expect(html).toContain('>Aprovar</button>');
		expect(execution.run.status).toBe('waiting');

		const answer = await post(links.Aprovar);
		expect(answer.status).toBe(200);
		expect(answer.html).toContain('Recebemos, obrigado!');
		const run = await execution.resumed;
		expect(run.status).toBe('success');
		answerMatchesSchema(execution.items());
		expect(execution.items().map((item) => item.json)).toEqual([{ data: { approved: true } }]);
		expect(sandbox.current.requests).toHaveLength(1);

		// The execution is over: the link answers nothing any more.
		expect((await post(links.Aprovar)).status).toBe(409);
	});

	it('decline: the decline link resumes with approved: false', async () => {
		const execution = await server.start(
			sandbox.current,
			sendAndWait({ approvalOptions: { values: { approvalType: 'double' } } }),
		);
		const links = linksIn(sentTexts()[0]);
		expect(Object.keys(links)).toEqual(['Aprovar', 'Recusar']);
		expect(await (await fetch(links.Recusar)).text()).toContain('>Recusar</button>');
		await post(links.Recusar);
		await execution.resumed;
		answerMatchesSchema(execution.items());
		expect(execution.items().map((item) => item.json)).toEqual([{ data: { approved: false } }]);
	});

	it('free text: the link opens a form with one text box; the answer comes out as data.text', async () => {
		const execution = await server.start(
			sandbox.current,
			sendAndWait({
				responseType: 'freeText',
				message: 'Which time suits you?',
				responseOptions: { linkLabel: 'Answer here', formTitle: 'Your visit' },
			}),
		);
		const links = linksIn(sentTexts()[0]);
		expect(Object.keys(links)).toEqual(['Answer here']);
		const html = await (await fetch(links['Answer here'])).text();
		expect(html).toContain('<h1>Your visit</h1>');
		expect(html).toContain('Which time suits you?');
		expect(html).toMatch(/<textarea id="field-0" name="field-0" required>/);

		// An empty answer is refused on the page; the execution keeps waiting.
		const empty = await post(links['Answer here'], { 'field-0': '  ' });
		expect(empty.status).toBe(400);
		expect(empty.html).toContain('Preencha &quot;Resposta&quot;.');
		expect(execution.run.status).toBe('waiting');

		await post(links['Answer here'], { 'field-0': 'Às 15h, por favor' });
		await execution.resumed;
		answerMatchesSchema(execution.items());
		expect(execution.items().map((item) => item.json)).toEqual([
			{ data: { text: 'Às 15h, por favor' } },
		]);
	});

	it('custom form: the fields defined in the node, answers by label, numbers as numbers', async () => {
		const execution = await server.start(
			sandbox.current,
			sendAndWait({
				responseType: 'customForm',
				formFields: {
					values: [
						{ fieldLabel: 'Name', fieldType: 'text', requiredField: true },
						{ fieldLabel: 'People', fieldType: 'number' },
						{ fieldLabel: 'Period', fieldType: 'dropdown', fieldOptions: 'Morning, Afternoon' },
						{ fieldLabel: 'Notes', fieldType: 'textarea' },
					],
				},
			}),
		);
		const link = linksIn(sentTexts()[0]).Responder;
		const html = await (await fetch(link)).text();
		expect(html).toContain('<input id="field-0" name="field-0" type="text" value="" required>');
		expect(html).toContain('<input id="field-1" name="field-1" type="number" value="">');
		expect(html).toContain('<option value="Afternoon">Afternoon</option>');

		const wrongChoice = await post(link, { 'field-0': 'Ana', 'field-2': 'Night' });
		expect(wrongChoice.status).toBe(400);
		expect(wrongChoice.html).toContain('Escolha uma das opções de &quot;Period&quot;.');
		// What was typed stays in the form.
		expect(wrongChoice.html).toContain('value="Ana"');

		await post(link, { 'field-0': 'Ana', 'field-1': '3', 'field-2': 'Afternoon', 'field-3': '' });
		await execution.resumed;
		answerMatchesSchema(execution.items());
		expect(execution.items().map((item) => item.json)).toEqual([
			{ data: { Name: 'Ana', People: 3, Period: 'Afternoon', Notes: '' } },
		]);
	});

	it('a wait that times out: waits until the limit, then goes on with the input items unchanged', async () => {
		const before = Date.now();
		const execution = await server.start(
			sandbox.current,
			sendAndWait({ limitWaitTime: true, resumeAmount: 30, resumeUnit: 'minutes' }),
			[{ lead: 7 }],
		);
		const after = Date.now();
		const waitTill = execution.run.data.waitTill!.getTime();
		expect(waitTill).toBeGreaterThanOrEqual(before + 30 * 60_000);
		expect(waitTill).toBeLessThanOrEqual(after + 30 * 60_000);

		const run = await server.timeOut(execution);
		expect(run.status).toBe('success');
		expect(execution.items().map((item) => item.json)).toEqual([{ lead: 7 }]);
		expect(sandbox.current.requests).toHaveLength(1);
		// Once resumed by the limit, the links answer nothing.
		expect((await post(linksIn(sentTexts()[0]).Aprovar)).status).toBe(409);
	});

	it('waits until a given date and time', async () => {
		const execution = await server.start(
			sandbox.current,
			sendAndWait({
				limitWaitTime: true,
				limitType: 'atSpecifiedTime',
				maxDateAndTime: '2031-05-02T12:00:00.000Z',
			}),
		);
		expect(execution.run.data.waitTill).toEqual(new Date('2031-05-02T12:00:00.000Z'));
	});

	it('Deliver Immediately and Send as User, as on the other sends', async () => {
		sandbox.current.state.accounts.push({ access_token: 'user-token-1', name: 'Ana' });
		await server.start(
			sandbox.current,
			sendAndWait({
				deliverImmediately: true,
				additionalFields: { user: { __rl: true, mode: 'list', value: 'user-token-1' } },
			}),
		);
		const [request] = sandbox.current.requests;
		expect(request.headers.totransmit).toBe('true');
		expect((request.body as IDataObject).account_access_token).toBe('user-token-1');
	});
});

describe('Message: Send and Wait for Response refuses what cannot work, before sending', () => {
	it.each([
		[{ chatId: 'not a phone' }, /^Chat: .* \(item 0\)$/],
		[{ message: '={{ $json.missing }}' }, /^Message: is required but empty \(item 0\)$/],
		[
			{ responseType: 'customForm' },
			/^Form Fields: add at least one field to the form \(item 0\)$/,
		],
		[
			{
				responseType: 'customForm',
				formFields: {
					values: [{ fieldLabel: 'Period', fieldType: 'dropdown', fieldOptions: ' , ' }],
				},
			},
			/^Form Fields → Period: a dropdown needs its options, separated by commas \(item 0\)$/,
		],
		[
			{ limitWaitTime: true, limitType: 'atSpecifiedTime', maxDateAndTime: 'next week' },
			/^Max Date and Time: expected a date and time, got "next week" \(item 0\)$/,
		],
	])('%j', async (parameters, message) => {
		const execution = await server.start(sandbox.current, sendAndWait(parameters));
		expect(execution.run.status).toBe('error');
		expect(execution.run.data.resultData.error?.message).toMatch(message);
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it("as n8n's plain AI-tool variant, it refuses with a message that says why", async () => {
		registerNodeType(
			'CUSTOM.cronCrmTool',
			nodeTypes.getByNameAndVersion('CUSTOM.cronCrm') as never,
		);
		const result = await runCronCrm(sandbox.current, {
			parameters: sendAndWait(),
			nodeType: 'CUSTOM.cronCrmTool',
		});
		expect(result.error?.message).toBe(
			'"Send and Wait for Response" cannot run as an AI agent tool',
		);
		expect(result.requests).toHaveLength(0);
	});

	it('on an n8n without custom operations, it fails clearly and the other operations still work', async () => {
		// Such an n8n ignores customOperations and routes every operation declaratively.
		const current = nodeTypes.getByNameAndVersion('CUSTOM.cronCrm') as never as IDataObject;
		registerNodeType('CUSTOM.cronCrmOld', { ...current, customOperations: undefined } as never);
		const refused = await runCronCrm(sandbox.current, {
			parameters: sendAndWait(),
			nodeType: 'CUSTOM.cronCrmOld',
		});
		expect(refused.error?.message).toBe(
			'"Send and Wait for Response" needs a newer n8n: n8n runs it as a custom operation of a declarative node, which this n8n version does not support',
		);
		expect(refused.requests).toHaveLength(0);

		const sent = await runCronCrm(sandbox.current, {
			parameters: { resource: 'message', operation: 'sendText', chatId: WID, message: 'Oi' },
			nodeType: 'CUSTOM.cronCrmOld',
		});
		expect(sent.error).toBeUndefined();
		expect(sent.requests).toHaveLength(1);
	});

	it('on an n8n that gives the node no execute method (before mid-2025), the node has no webhook: other operations keep their expressions, Send and Wait refuses', async () => {
		// Such an n8n leaves a declarative node with `methods` as it is, and would hand a node with a
		// webhook no input items for its expressions.
		const asLoaded = new CronCrm();
		expect(asLoaded.webhook).toBeUndefined();
		registerNodeType('CUSTOM.cronCrmNoExecute', asLoaded);

		const texts = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'message',
				operation: 'sendText',
				chatId: WID,
				message: '={{ $json.text }}',
			},
			items: [{ text: 'Oi' }, { text: 'Tudo bem?' }],
			nodeType: 'CUSTOM.cronCrmNoExecute',
		});
		expect(texts.error).toBeUndefined();
		expect(texts.requests.map((request) => (request.body as IDataObject).message)).toEqual([
			'Oi',
			'Tudo bem?',
		]);

		const refused = await runCronCrm(sandbox.current, {
			parameters: sendAndWait(),
			nodeType: 'CUSTOM.cronCrmNoExecute',
		});
		expect(refused.error?.message).toBe(
			'"Send and Wait for Response" needs a newer n8n: on this n8n version the node cannot have the webhook its answer links lead to (n8n from mid-2025 on can)',
		);
		expect(refused.requests).toHaveLength(0);
	});
});

/**
 * Forged links, on the three ways n8n treats its own signature (test/helpers/waiting.ts): the
 * package's token refuses every changed link before a page is shown or an answer recorded, and
 * the execution keeps waiting. Where n8n signs the link, each forgery is also re-signed with
 * n8n's own secret, as if n8n did not check it, so that the package's check alone is what
 * refuses it.
 */
describe.each(['checked', 'whenRequired', 'none'] as const)(
	'Send and Wait links nobody can forge (n8n signatures: %s)',
	(signatures) => {
		let forgeries: WaitingServer;
		beforeAll(async () => (forgeries = await startWaitingServer({ signatures })));
		afterAll(async () => await forgeries.close());

		const n8nChecks = signatures !== 'none';
		/** Two waiting executions of one workflow: same node, consecutive execution ids. */
		async function twoWaiting(parameters: IDataObject = {}) {
			const nodeId = `shared-node-${signatures}`;
			const first = await forgeries.start(sandbox.current, sendAndWait(parameters), [{}], {
				nodeId,
			});
			const second = await forgeries.start(sandbox.current, sendAndWait(parameters), [{}], {
				nodeId,
			});
			const [firstText, secondText] = sentTexts();
			return { first, second, firstLinks: linksIn(firstText), secondLinks: linksIn(secondText) };
		}

		async function expectRefused(link: string, ...waiting: WaitingExecution[]) {
			for (const method of ['GET', 'POST']) {
				const response = await fetch(link, {
					method,
					body: method === 'POST' ? new FormData() : undefined,
				});
				const html = await response.text();
				expect(response.status).toBe(403);
				expect(html).toContain('<html lang="pt-BR">');
				expect(html).toContain('<h1>Link inválido</h1>');
				// Nothing of the request is shown.
				expect(html).not.toContain('Can we confirm your visit');
				expect(html).not.toContain('<form');
			}
			for (const execution of waiting) expect(execution.run.status).toBe('waiting');
		}

		it('links carry the token, and n8n signs them where it can', async () => {
			await forgeries.start(sandbox.current, sendAndWait());
			const link = new URL(linksIn(sentTexts()[0]).Aprovar);
			expect(link.searchParams.get('token')).toMatch(/^[\w-]{43}$/);
			expect(link.searchParams.has('signature')).toBe(n8nChecks);
		});

		it("another execution's id in the link: refused, both keep waiting; then each genuine link answers its own", async () => {
			const { first, second, firstLinks, secondLinks } = await twoWaiting();
			const swapped = forge(firstLinks.Aprovar, (url) => {
				url.pathname = url.pathname.replace(`/${first.id}/`, `/${second.id}/`);
			});
			expect(swapped).toContain(`/webhook-waiting/${second.id}/`);
			await expectRefused(swapped, first, second);

			expect((await post(secondLinks.Aprovar)).status).toBe(200);
			await second.resumed;
			expect(second.items().map((item) => item.json)).toEqual([{ data: { approved: true } }]);
			expect(first.run.status).toBe('waiting');
			expect((await post(firstLinks.Aprovar)).status).toBe(200);
			await first.resumed;
			expect(first.items().map((item) => item.json)).toEqual([{ data: { approved: true } }]);
		});

		it('approved flipped on an approve-only message: refused; the genuine link still approves', async () => {
			const execution = await forgeries.start(sandbox.current, sendAndWait());
			const link = linksIn(sentTexts()[0]).Aprovar;
			await expectRefused(
				forge(link, (url) => url.searchParams.set('approved', 'false')),
				execution,
			);
			await expectRefused(
				forge(link, (url) => url.searchParams.delete('approved')),
				execution,
			);
			await post(link);
			await execution.resumed;
			expect(execution.items().map((item) => item.json)).toEqual([{ data: { approved: true } }]);
		});

		it("a token changed, missing, or taken from the other answer's link: refused", async () => {
			const execution = await forgeries.start(
				sandbox.current,
				sendAndWait({ approvalOptions: { values: { approvalType: 'double' } } }),
			);
			const links = linksIn(sentTexts()[0]);
			const token = new URL(links.Aprovar).searchParams.get('token')!;
			const changed = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
			await expectRefused(
				forge(links.Aprovar, (url) => url.searchParams.set('token', changed)),
				execution,
			);
			await expectRefused(
				forge(links.Aprovar, (url) => url.searchParams.delete('token')),
				execution,
			);
			const declineToken = new URL(links.Recusar).searchParams.get('token')!;
			await expectRefused(
				forge(links.Aprovar, (url) => url.searchParams.set('token', declineToken)),
				execution,
			);
			await post(links.Recusar);
			await execution.resumed;
			expect(execution.items().map((item) => item.json)).toEqual([{ data: { approved: false } }]);
		});

		it('a form link: a changed token or an added approved is refused before the form shows', async () => {
			const execution = await forgeries.start(
				sandbox.current,
				sendAndWait({ responseType: 'freeText' }),
			);
			const link = linksIn(sentTexts()[0]).Responder;
			await expectRefused(
				forge(link, (url) => url.searchParams.set('token', 'x'.repeat(43))),
				execution,
			);
			await expectRefused(
				forge(link, (url) => url.searchParams.set('approved', 'true')),
				execution,
			);
			expect((await post(link, { 'field-0': 'Sim' })).status).toBe(200);
			await execution.resumed;
			expect(execution.items().map((item) => item.json)).toEqual([{ data: { text: 'Sim' } }]);
		});

		it('a link made with another API key (another credential) is refused', async () => {
			const { first, second, firstLinks } = await twoWaiting();
			const otherKey = answerToken('another-api-key', {
				executionId: first.id,
				nodeId: first.node.id,
				approved: 'true',
			});
			await expectRefused(
				forge(firstLinks.Aprovar, (url) => url.searchParams.set('token', otherKey)),
				first,
				second,
			);
		});

		if (n8nChecks) {
			it('the same forgeries without a new signature are refused by n8n itself (401), which signs the token too', async () => {
				const { first, second, firstLinks } = await twoWaiting();
				const link = new URL(firstLinks.Aprovar);
				const unsigned = (change: (url: URL) => void) => {
					const url = new URL(link);
					change(url);
					return url.href;
				};
				for (const forged of [
					unsigned((url) => url.searchParams.set('signature', 'f'.repeat(64))),
					unsigned((url) => url.searchParams.set('token', 'x'.repeat(43))),
					unsigned((url) => url.searchParams.set('approved', 'false')),
					unsigned((url) => {
						url.pathname = url.pathname.replace(`/${first.id}/`, `/${second.id}/`);
					}),
				]) {
					expect((await post(forged)).status).toBe(401);
				}
				expect(first.run.status).toBe('waiting');
				expect(second.run.status).toBe('waiting');
			});
		}
	},
);

/** Every fixed word the contact reads, per language; none of another language may show up. */
describe.each(Object.keys(PAGE_TEXTS) as PageLanguage[])(
	'Send and Wait in %s: the message lines and every page in that language only',
	(language) => {
		const texts = PAGE_TEXTS[language];
		const wordsOf = (table: PageTexts) =>
			new Set(
				Object.values(table)
					.map((value) => (typeof value === 'function' ? value('') : String(value)))
					.flatMap((text) => text.toLowerCase().match(/\p{L}{3,}/gu) ?? []),
			);
		const own = wordsOf(texts);
		const foreign = (Object.keys(PAGE_TEXTS) as PageLanguage[])
			.filter((other) => other !== language)
			.flatMap((other) => [...wordsOf(PAGE_TEXTS[other])].filter((word) => !own.has(word)));
		/** What a person reads on the page: no markup, no style sheet. */
		const visible = (html: string) =>
			html
				.replace(/<style>[\s\S]*?<\/style>/, '')
				.replace(/<[^>]+>/g, ' ')
				.replace(/&quot;/g, '"')
				.replace(/&#39;/g, "'")
				.replace(/&amp;/g, '&');
		function expectOnlyOwnLanguage(text: string) {
			const words = new Set(text.toLowerCase().match(/\p{L}{3,}/gu) ?? []);
			expect(foreign.filter((word) => words.has(word))).toEqual([]);
		}
		function expectPage(html: string) {
			expect(html).toContain(`<html lang="${texts.lang}">`);
			expect(html).toContain(`<footer>${texts.footer}</footer>`);
			expectOnlyOwnLanguage(visible(html));
		}

		// Neutral texts of the user's own: only the package's words can be in a language.
		const neutral = { message: 'Pedido #1234 ✅', pageLanguage: language };

		it('approval: link labels, both confirmation pages, the answer page and the refused page', async () => {
			const execution = await server.start(
				sandbox.current,
				sendAndWait({ ...neutral, approvalOptions: { values: { approvalType: 'double' } } }),
			);
			const text = sentTexts()[0];
			expectOnlyOwnLanguage(text);
			const links = linksIn(text);
			expect(Object.keys(links)).toEqual([texts.approve, texts.decline]);

			const approvePage = await (await fetch(links[texts.approve])).text();
			expect(approvePage).toContain(`<title>${texts.approve}</title>`);
			expect(approvePage).toContain(`>${texts.approve}</button>`);
			expectPage(approvePage);
			const declinePage = await (await fetch(links[texts.decline])).text();
			expect(declinePage).toContain(`>${texts.decline}</button>`);
			expectPage(declinePage);

			const refused = await fetch(
				forge(links[texts.approve], (url) => url.searchParams.set('token', 'x'.repeat(43))),
			);
			expect(refused.status).toBe(403);
			const refusedHtml = await refused.text();
			expect(refusedHtml).toContain(`<h1>${texts.refusedTitle}</h1>`);
			expectPage(refusedHtml);

			const answered = await post(links[texts.decline]);
			expect(answered.html).toContain(`<h1>${texts.answeredTitle}</h1>`);
			expectPage(answered.html);
			await execution.resumed;
			expect(execution.items().map((item) => item.json)).toEqual([{ data: { approved: false } }]);
		});

		it('free text and custom form: link label, form, button, every form error, the answer', async () => {
			const free = await server.start(
				sandbox.current,
				sendAndWait({ ...neutral, responseType: 'freeText' }),
			);
			const freeLink = linksIn(sentTexts()[0])[texts.respond];
			expect(freeLink).toBeDefined();
			expectOnlyOwnLanguage(sentTexts()[0]);
			const freeForm = await (await fetch(freeLink)).text();
			expect(freeForm).toContain(`>${texts.response} <span class="required">*</span></label>`);
			expect(freeForm).toContain(`<button type="submit">${texts.submit}</button>`);
			expectPage(freeForm);
			const empty = await post(freeLink, { 'field-0': '' });
			expect(visible(empty.html)).toContain(texts.fillIn(texts.response));
			expectPage(empty.html);
			await post(freeLink, { 'field-0': 'Ok' });
			await free.resumed;
			expect(free.items().map((item) => item.json)).toEqual([{ data: { text: 'Ok' } }]);

			sandbox.current.reset();
			const form = await server.start(
				sandbox.current,
				sendAndWait({
					...neutral,
					responseType: 'customForm',
					formFields: {
						values: [
							{ fieldLabel: 'Qtd', fieldType: 'number' },
							{ fieldLabel: 'Turno', fieldType: 'dropdown', fieldOptions: 'A, B' },
						],
					},
				}),
			);
			const formLink = linksIn(sentTexts()[0])[texts.respond];
			const notANumber = await post(formLink, { 'field-0': 'três', 'field-1': 'A' });
			expect(visible(notANumber.html)).toContain(texts.notANumber('Qtd'));
			expectPage(notANumber.html);
			const noOption = await post(formLink, { 'field-0': '3', 'field-1': 'C' });
			expect(visible(noOption.html)).toContain(texts.chooseOption('Turno'));
			expectPage(noOption.html);
			await post(formLink, { 'field-0': '3', 'field-1': 'B' });
			await form.resumed;
			expect(form.items().map((item) => item.json)).toEqual([{ data: { Qtd: 3, Turno: 'B' } }]);
		});

		it('labels the user set stay as set', async () => {
			await server.start(
				sandbox.current,
				sendAndWait({
					...neutral,
					approvalOptions: { values: { approveLabel: 'Sí, claro / Yes' } },
				}),
			);
			const links = linksIn(sentTexts()[0]);
			expect(Object.keys(links)).toEqual(['Sí, claro / Yes']);
			expect(await (await fetch(links['Sí, claro / Yes'])).text()).toContain(
				'>Sí, claro / Yes</button>',
			);
		});
	},
);
