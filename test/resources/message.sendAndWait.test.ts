import type { IDataObject } from 'n8n-workflow';

import { CronCrm } from '../../nodes/CronCrm/CronCrm.node';
import { nodeTypes, registerNodeType, runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';
import { chatOf } from '../../sandbox/handlers/common';
import { checkOutputSchema } from '../helpers/schemas';
import { startWaitingServer, type WaitingServer } from '../helpers/waiting';
import { WAIT_INDEFINITELY } from '../../nodes/CronCrm/resources/message/sendAndWait/run';

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
