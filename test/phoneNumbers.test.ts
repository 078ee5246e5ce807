import type { IDataObject } from 'n8n-workflow';

import { RETRY_POLICY } from '../nodes/CronCrm/transport';
import { runCronCrm, type RunOptions, type RunResult } from './helpers/engine';
import { useSandbox } from './helpers/sandbox';
import { chatOf } from '../sandbox/handlers/common';

/**
 * Phone numbers as CRONCRM's (Brazilian) users type them: the credentials' Default Country
 * Code, WhatsApp's private ids, and "Check WhatsApp First" on the sends. Every case runs
 * through n8n's engine against the sandbox, which refuses chat ids that are not full
 * international numbers (so a number sent without its country code fails here as it would
 * reach the wrong person or nobody on the live API).
 */
const sandbox = useSandbox();

const WID = '5521988248085@c.us';

function sendText(chatId: string, extra: IDataObject = {}, options: Partial<RunOptions> = {}) {
	return runCronCrm(sandbox.current, {
		parameters: { resource: 'message', operation: 'sendText', chatId, message: 'Olá', ...extra },
		...options,
	});
}

const checkRequests = (result: RunResult) =>
	result.requests.filter((r) => r.path === '/tools/have-whatsapp');
const sends = (result: RunResult) =>
	result.requests.filter((r) => r.path === '/messages/send-message-text');

describe('Default Country Code (credentials, 55 unless changed)', () => {
	it.each([
		['(21) 98824-8085', WID],
		['21 98824 8085', WID],
		['021 98824-8085', WID],
		['(21) 3232-4545', '552132324545@c.us'],
		['+55 (21) 98824-8085', WID],
		['55 21 98824-8085', WID],
		['0055 21 98824-8085', WID],
		['+1 (202) 555-0123', '12025550123@c.us'],
	])('the chat "%s" is sent as %s', async (typed, expected) => {
		const result = await sendText(typed);
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0].body.chat_wid).toBe(expected);
		expect(result.items[0].json).toMatchObject({ success: true, chat: { chat_wid: expected } });
	});

	it('Another Default Country Code completes national numbers with it', async () => {
		const result = await sendText(
			'(202) 555-0123',
			{},
			{ credentials: { defaultCountryCode: '+1' } },
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0].body.chat_wid).toBe('12025550123@c.us');
	});

	it('An empty Default Country Code sends numbers as typed, and the sandbox refuses the local one', async () => {
		const result = await sendText(
			'(21) 98824-8085',
			{},
			{ credentials: { defaultCountryCode: '' } },
		);
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0].body.chat_wid).toBe('21988248085@c.us');
		expect(result.requests[0].status).toBe(422);
		expect(result.error?.message).toBe('CRONCRM: chat_wid inválido. (invalid chat_wid)');
	});

	it('A Default Country Code that is not 1 to 3 digits stops the item before any request', async () => {
		const result = await sendText(WID, {}, { credentials: { defaultCountryCode: 'Brazil' } });
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Default Country Code in the CRONCRM credentials: expected 1 to 3 digits such as 55 (Brazil), got "Brazil" (item 0)',
		);
	});

	it('Phone fields get it too: a contact card, a list of contacts, a lead, the WhatsApp check', async () => {
		const card = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'message',
				operation: 'sendContact',
				chatId: WID,
				contactPhone: '(11) 97777-6666',
				contactName: 'Ana',
			},
		});
		expect(card.error).toBeUndefined();
		expect(card.requests[0].body.contact_phone).toBe('5511977776666');

		const cards = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'message',
				operation: 'sendContacts',
				chatId: WID,
				contactList: '(11) 97777-6666; +55 21 98824-8085',
			},
		});
		expect(cards.error).toBeUndefined();
		expect(cards.requests[0].body.contact_list).toBe('5511977776666,5521988248085');

		const check = await runCronCrm(sandbox.current, {
			parameters: { resource: 'tool', operation: 'checkWhatsapp', phone: '(11) 97777-6666' },
		});
		expect(check.requests[0].query).toEqual({ phone: '5511977776666' });
	});

	it('Group participants and mentions are completed as well', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'group',
				operation: 'create',
				name: 'Equipe',
				additionalFields: { participants: '(21) 98824-8085, (11) 97777-6666' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0].body.participants).toBe('5521988248085@c.us;5511977776666@c.us');
		expect(result.items[0].json).toMatchObject({
			group: { participants: [WID, '5511977776666@c.us'], fail_add_participants: [] },
		});
	});
});

describe('WhatsApp ids', () => {
	it.each(['1234567890123@lid', '1234567890123@jid'])(
		"%s (Meta's private id for a person) is accepted as a chat and sent as is",
		async (wid) => {
			const result = await sendText(wid);
			expect(result.error).toBeUndefined();
			expect(result.requests[0].body.chat_wid).toBe(wid);
		},
	);

	it('@jid ids are accepted where only people are, e.g. group participants', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'group',
				operation: 'create',
				name: 'Equipe',
				additionalFields: { participants: '1234567890123@jid' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0].body.participants).toBe('1234567890123@jid');
	});

	it('Baileys-style ids (…@s.whatsapp.net, with or without a device) are sent as …@c.us', async () => {
		for (const id of ['5521988248085@s.whatsapp.net', '5521988248085:17@s.whatsapp.net']) {
			const result = await sendText(id);
			expect(result.error).toBeUndefined();
			expect(result.requests[0].body.chat_wid).toBe('5521988248085@c.us');
		}
	});

	it('An id with an unknown suffix stops the item, naming the suffixes accepted', async () => {
		const result = await sendText('5521988248085@whatsapp.com');
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Chat: expected a phone number or a WhatsApp id ending in @c.us, @g.us, @lid or @jid, got "5521988248085@whatsapp.com" (item 0)',
		);
	});
});

describe('Check WhatsApp First (sends)', () => {
	it('Asks tools/have-whatsapp first, then sends to the wid it answers (here without the ninth digit)', async () => {
		// WhatsApp knows this contact by the number from before the ninth digit.
		chatOf(sandbox.current.state, '552188248085@c.us');
		const result = await sendText('(21) 98824-8085', { checkWhatsapp: true });
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => r.path)).toEqual([
			'/tools/have-whatsapp',
			'/messages/send-message-text',
		]);
		expect(result.requests[0].query).toEqual({ phone: '5521988248085' });
		expect(result.requests[1].body).toEqual({ chat_wid: '552188248085@c.us', message: 'Olá' });
		expect(result.items[0].json).toMatchObject({ chat: { chat_wid: '552188248085@c.us' } });
	});

	it("A bad value stops the item as the node's validation error, not as a CRONCRM reply (no 'Error code: none')", async () => {
		const result = await sendText('bob');
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Chat: expected a phone number with country and area code, got "bob" (item 0)',
		);
		// What n8n's editor shows under "From CRONCRM": an error code and CRONCRM's raw messages.
		const shown = result.error as unknown as { httpCode?: string | null; messages?: string[] };
		expect(shown.httpCode ?? null).toBeNull();
		expect(shown.messages ?? []).toEqual([]);
	});

	it('A number without WhatsApp fails its item clearly and nothing is sent for it', async () => {
		const result = await sendText('(11) 97777-6666', { checkWhatsapp: true });
		expect(sends(result)).toHaveLength(0);
		expect(checkRequests(result)).toHaveLength(1);
		expect(result.error?.message).toBe('Chat: +5511977776666 has no WhatsApp (item 0)');
		expect(result.error?.description).toContain('Nothing was sent for this item');
	});

	it('Each distinct number costs one check per execution, however many items share it', async () => {
		chatOf(sandbox.current.state, WID);
		chatOf(sandbox.current.state, '5511912345678@c.us');
		const items = [
			{ to: '(21) 98824-8085' },
			{ to: '+55 21 98824-8085' },
			{ to: '(11) 91234-5678' },
			{ to: '5521988248085@c.us' },
			{ to: '(11) 91234-5678' },
		];
		const result = await sendText('={{ $json.to }}', { checkWhatsapp: true }, { items });
		expect(result.error).toBeUndefined();
		expect(
			checkRequests(result)
				.map((r) => r.query.phone)
				.sort(),
		).toEqual(['5511912345678', '5521988248085']);
		// Items run concurrently: the sends may leave in any order, each item's output says where it went.
		expect(sends(result)).toHaveLength(5);
		expect(result.items.map((item) => (item.json.chat as IDataObject).chat_wid)).toEqual([
			WID,
			WID,
			'5511912345678@c.us',
			WID,
			'5511912345678@c.us',
		]);

		// A new execution asks again: what WhatsApp answers can change between runs.
		const again = await sendText(WID, { checkWhatsapp: true });
		expect(checkRequests(again)).toHaveLength(1);
	});

	it('With On Error "Continue", only the item without WhatsApp fails; the others are sent', async () => {
		chatOf(sandbox.current.state, WID);
		const items = [{ to: '(21) 98824-8085' }, { to: '(11) 97777-6666' }];
		const result = await sendText(
			'={{ $json.to }}',
			{ checkWhatsapp: true },
			{ items, continueOnFail: true },
		);
		expect(sends(result)).toHaveLength(1);
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json).toMatchObject({ success: true, chat: { chat_wid: WID } });
		expect(result.items[1].json.error).toBe('Chat: +5511977776666 has no WhatsApp (item 1)');
	});

	it('A check that fails fails every item of that number, each naming itself; nothing is sent', async () => {
		const backoff = RETRY_POLICY.backoffMs;
		RETRY_POLICY.backoffMs = 10;
		sandbox.current.faults = (request) =>
			request.route === 'GET /tools/have-whatsapp' ? { kind: '500' } : undefined;
		try {
			const items = [{ to: '(21) 98824-8085' }, { to: '+55 21 98824-8085' }];
			const result = await sendText(
				'={{ $json.to }}',
				{ checkWhatsapp: true },
				{ items, continueOnFail: true },
			);
			expect(sends(result)).toHaveLength(0);
			// One request and its retries, shared by both items.
			expect(checkRequests(result)).toHaveLength(RETRY_POLICY.transientRetries + 1);
			expect(result.items.map((item) => item.json.error)).toEqual([
				"Chat: CRONCRM's WhatsApp check for +5521988248085 failed: CRONCRM: Erro interno. (item 0)",
				"Chat: CRONCRM's WhatsApp check for +5521988248085 failed: CRONCRM: Erro interno. (item 1)",
			]);
		} finally {
			RETRY_POLICY.backoffMs = backoff;
		}
	});

	it('Groups and private ids are sent as given, without a check', async () => {
		const result = await sendText('1234567890123@lid', { checkWhatsapp: true });
		expect(result.error).toBeUndefined();
		expect(checkRequests(result)).toHaveLength(0);
		expect(sends(result)[0]).toMatchObject({ body: { chat_wid: '1234567890123@lid' } });
	});

	it('Every message send offers it: Send Location checks the number too', async () => {
		chatOf(sandbox.current.state, WID);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'message',
				operation: 'sendLocation',
				chatId: '(21) 98824-8085',
				address: 'Praça da Sé, São Paulo',
				checkWhatsapp: true,
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => r.path)).toEqual([
			'/tools/have-whatsapp',
			'/messages/send-location',
		]);
	});
});
