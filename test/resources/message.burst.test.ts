import type { IDataObject } from 'n8n-workflow';

import { runCronCrm } from '../helpers/engine';
import { overrideRoute } from '../helpers/faults';
import { useSandbox } from '../helpers/sandbox';
import { chatOf, fail } from '../../sandbox/handlers/common';
import { receiveMessage } from '../../sandbox/handlers/message';
import type { Row } from '../../sandbox/state';

const sandbox = useSandbox();

const WID = '5521988248085@c.us';
const LID = '204788134928771@lid';

/** Seconds since 1970 as messages/find writes them, `ago` seconds before now. */
function stamp(ago: number): string {
	return (Date.now() / 1000 - ago).toFixed(6);
}

function received(text: string, ago: number, chat = WID, fields: Row = {}): Row {
	return receiveMessage(sandbox.current.state, chat, {
		message_body: text,
		message_timestamp: stamp(ago),
		...fields,
	});
}

/** A message the account sent to the chat (CRONCRM's source "in"). */
function sent(text: string, ago: number, chat = WID): Row {
	return receiveMessage(sandbox.current.state, chat, {
		message_body: text,
		message_timestamp: stamp(ago),
		source: 'in',
		shipping_status: 'sent',
		message_ack: 3,
	});
}

/** The trigger's output for a received message, as Wait for Burst to End gets it. */
function triggerItem(message: Row, chat = WID): IDataObject {
	return {
		event: 'onReceived',
		chat_wid: chat,
		text: message.message_body as string,
		message_type: message.message_type as string,
		message_access_token: message.access_token as string,
		timestamp: new Date(Number(message.message_timestamp) * 1000).toISOString(),
	};
}

/** Runs Wait for Burst to End with the node's defaults (chat and message from the trigger). */
async function waitForBurst(
	items: IDataObject[],
	parameters: IDataObject = {},
	options: { continueOnFail?: boolean } = {},
) {
	return await runCronCrm(sandbox.current, {
		parameters: {
			resource: 'message',
			operation: 'waitForBurst',
			chatId: '={{ $json.chat_wid }}',
			messageToken: '={{ $json.message_access_token }}',
			quietSeconds: 0,
			...parameters,
		},
		items,
		...options,
	});
}

describe('Message → Wait for Burst to End (reads messages/find)', () => {
	it('One burst: the last message of three outputs one item with all three, in order; one read', async () => {
		received('oi', 3);
		received('quero saber o preço', 2);
		const last = received('do plano anual', 1);
		const result = await waitForBurst([triggerItem(last)]);
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({ method: 'GET', path: '/messages/find' });
		expect(result.requests[0].query).toMatchObject({ chat_wid: WID, source: 'all' });
		expect(result.requests[0].query.date_start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(result.items).toHaveLength(1);
		const burst = result.items[0].json;
		expect(burst).toMatchObject({
			chat_wid: WID,
			text: 'oi\nquero saber o preço\ndo plano anual',
			count: 3,
			has_media: false,
			answering: null,
			triggering_message_listed: true,
			requests: 1,
		});
		expect((burst.messages as IDataObject[]).map((m) => m.text)).toEqual([
			'oi',
			'quero saber o preço',
			'do plano anual',
		]);
		expect(Date.parse(String(burst.first_timestamp))).toBeLessThan(
			Date.parse(String(burst.last_timestamp)),
		);
	});

	it('An earlier message of the burst outputs no item: the newer message answers', async () => {
		const first = received('oi', 3);
		const second = received('quero saber o preço', 2);
		received('do plano anual', 1);
		for (const message of [first, second]) {
			const result = await waitForBurst([triggerItem(message)]);
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(0);
			expect(result.requests).toHaveLength(1);
		}
	});

	it('Two bursts with a reply in between: the second is only what came after the reply, answering it', async () => {
		received('oi', 30);
		received('tudo bem?', 29);
		sent('Olá! Responda SIM para confirmar sua consulta de amanhã.', 20);
		received('sim', 5);
		const last = received('pode ser às 10h?', 4);
		const result = await waitForBurst([triggerItem(last)]);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			text: 'sim\npode ser às 10h?',
			count: 2,
			answering: { text: 'Olá! Responda SIM para confirmar sua consulta de amanhã.' },
		});
	});

	it('A message just after the quiet period starts a burst of its own once the first was answered', async () => {
		const first = received('oi', 10);
		const firstRun = await waitForBurst([triggerItem(first)]);
		expect(firstRun.items[0].json).toMatchObject({ text: 'oi', count: 1 });
		// The workflow answered the first burst; then the contact wrote again.
		const reply = await runCronCrm(sandbox.current, {
			parameters: { resource: 'message', operation: 'sendText', chatId: WID, message: 'Olá!' },
		});
		expect(reply.error).toBeUndefined();
		// A second later (stamped after the reply), the contact writes again.
		const next = received('e o preço?', -1);
		const secondRun = await waitForBurst([triggerItem(next)]);
		expect(secondRun.items).toHaveLength(1);
		expect(secondRun.items[0].json).toMatchObject({
			text: 'e o preço?',
			count: 1,
			answering: { text: 'Olá!' },
		});
	});

	it('The quiet period is waited before the read: a message arriving in it is seen, and this execution steps aside for it', async () => {
		const first = received('oi', 0);
		const started = Date.now();
		// Stored while the execution waits: as if the contact typed on during the quiet period.
		const during = sandbox.current.state.messages.length;
		const run = waitForBurst([triggerItem(first)], { quietSeconds: 1 });
		received('tudo bem?', -0.2);
		const result = await run;
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(sandbox.current.state.messages.length).toBe(during + 1);
		// The newer message's own execution answers: this one steps aside.
		expect(result.items).toHaveLength(0);
	});

	it("A triggering message messages/find does not list yet still counts, from the trigger's item", async () => {
		received('oi', 3);
		const item = {
			...triggerItem(received('placeholder', 1)),
			message_access_token: '2025NotListedYet0000000000000000000000000000000000000000000729',
			text: 'do plano anual',
			timestamp: new Date().toISOString(),
		};
		sandbox.current.state.messages.pop();
		const result = await waitForBurst([item]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			text: 'oi\ndo plano anual',
			count: 2,
			triggering_message_listed: false,
		});
	});

	it('Media messages are flagged; their caption, else their type, goes into the text', async () => {
		received('', 3, WID, { message_type: 'image', message_caption: 'olha essa foto' });
		const last = received('', 2, WID, { message_type: 'ptt', message_body: null });
		const result = await waitForBurst([triggerItem(last)]);
		expect(result.items[0].json).toMatchObject({
			text: 'olha essa foto\n[ptt]',
			has_media: true,
			messages: [{ is_media: true }, { is_media: true, message_type: 'ptt' }],
		});
	});

	it('Maximum Burst Length leaves out what came longer ago than it before the last message', async () => {
		received('ontem eu perguntei', 600);
		const last = received('alguém aí?', 1);
		const result = await waitForBurst([triggerItem(last)], {
			burstOptions: { maxBurstSeconds: 120, separator: ' / ' },
		});
		expect(result.items[0].json).toMatchObject({ text: 'alguém aí?', count: 1 });
	});

	it('@lid chats are read by their id; …@s.whatsapp.net is read as …@c.us', async () => {
		const lidMessage = received('oi, sou eu', 1, LID);
		const lid = await waitForBurst([triggerItem(lidMessage, LID)]);
		expect(lid.requests[0].query.chat_wid).toBe(LID);
		expect(lid.items[0].json).toMatchObject({ chat_wid: LID, text: 'oi, sou eu' });

		const last = received('olá', 1);
		const baileys = await waitForBurst([
			{ ...triggerItem(last), chat_wid: '5521988248085@s.whatsapp.net' },
		]);
		expect(baileys.requests[0].query.chat_wid).toBe(WID);
		expect(baileys.items[0].json).toMatchObject({ chat_wid: WID, text: 'olá' });
	});

	it("A failing read stops the item with CRONCRM's reply; nothing is output", async () => {
		const last = received('oi', 1);
		const restore = overrideRoute('GET /messages/find', () =>
			fail(422, 'Instância desconectada. (instance disconnected)'),
		);
		try {
			const result = await waitForBurst([triggerItem(last)]);
			expect(result.items).toHaveLength(0);
			expect(result.error?.message).toBe(
				'CRONCRM: Instância desconectada. (instance disconnected)',
			);
		} finally {
			restore();
		}
	});

	it("An empty read is an error naming CRONCRM's reply, not a silent empty result", async () => {
		chatOf(sandbox.current.state, WID);
		const result = await waitForBurst([
			{ chat_wid: WID, message_access_token: '', text: null, timestamp: new Date().toISOString() },
		]);
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toBe(
			`CRONCRM listed no messages for chat ${WID}: "Consulta realizada com sucesso." (count 0)`,
		);
	});

	it('Bad values name the field and the item, and nothing reaches CRONCRM', async () => {
		const last = received('oi', 1);
		const cases: Array<[IDataObject, string]> = [
			[
				{ quietSeconds: 600 },
				'Quiet Period (Seconds): expected a number of seconds from 0 to 60, got "600" (item 0)',
			],
			[
				{ quietSeconds: -1 },
				'Quiet Period (Seconds): expected a number of seconds from 0 to 60, got "-1" (item 0)',
			],
			[
				{ burstOptions: { maxBurstSeconds: 0 } },
				'Maximum Burst Length (Seconds): expected a number of seconds from 1 to 3600, got "0" (item 0)',
			],
			[
				{ chatId: 'bob' },
				'Chat: expected a phone number with country and area code, got "bob" (item 0)',
			],
			[
				{ chatId: '={{ $json.no_such_field }}' },
				'Chat: is required but empty (it reads the trigger\'s "chat_wid" unless you set it) (item 0)',
			],
		];
		for (const [parameters, message] of cases) {
			const result = await waitForBurst([triggerItem(last)], parameters);
			expect(result.requests).toHaveLength(0);
			expect(result.error?.message).toBe(message);
		}
	});

	it('With Continue On Fail, a bad item becomes an error item and the others are read', async () => {
		const last = received('oi', 1);
		const result = await waitForBurst(
			[{ ...triggerItem(last), chat_wid: 'bob' }, triggerItem(last)],
			{},
			{ continueOnFail: true },
		);
		expect(result.requests).toHaveLength(1);
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.error).toBe(
			'Chat: expected a phone number with country and area code, got "bob" (item 0)',
		);
		expect(result.items[1].json).toMatchObject({ text: 'oi', count: 1 });
	});
});
