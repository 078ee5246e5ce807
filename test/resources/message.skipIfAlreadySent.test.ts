import type { IDataObject } from 'n8n-workflow';

import { runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';
import { receiveMessage } from '../../sandbox/handlers/message';

/**
 * Message sends with "Skip If Already Sent": CRONCRM's record of what the account sent to the
 * chat (messages/find, source=in) decides, so a re-run never messages a contact twice.
 */
const sandbox = useSandbox();

const WID = '5521988248085@c.us';
const OTHER = '5511977776666@c.us';

function send(operation: string, parameters: IDataObject = {}, items?: IDataObject[]) {
	return runCronCrm(sandbox.current, {
		parameters: {
			resource: 'message',
			operation,
			chatId: WID,
			skipIfAlreadySent: true,
			...parameters,
		},
		items,
	});
}

const routes = (result: { requests: Array<{ method: string; path: string }> }) =>
	result.requests.map((r) => `${r.method} ${r.path}`);

const sentTo = (wid: string) =>
	sandbox.current.state.messages.filter((m) => m.chat_wid === wid && m.source === 'in');

/** Puts a message in CRONCRM's records as sent `hoursAgo`, with the given fields. */
function sentEarlier(fields: IDataObject, hoursAgo = 1, wid = WID) {
	const row = receiveMessage(sandbox.current.state, wid, {
		source: 'in',
		shipping_status: 'sent',
		message_ack: 2,
		message_timestamp: ((Date.now() - hoursAgo * 3_600_000) / 1000).toFixed(6),
		...fields,
	});
	return row;
}

describe('Message: Skip If Already Sent (messages/find before the send)', () => {
	it('same text: the second run sends nothing and outputs the earlier message, skipped', async () => {
		const first = await send('sendText', { message: 'Promoção de Natal: 20% off' });
		expect(first.error).toBeUndefined();
		expect(routes(first)).toEqual(['GET /messages/find', 'POST /messages/send-message-text']);
		expect(first.requests[0].query).toMatchObject({ chat_wid: WID, source: 'in' });
		expect(first.items[0].json.skipped).toBeUndefined();

		const second = await send('sendText', { message: 'Promoção de Natal: 20% off' });
		expect(second.error).toBeUndefined();
		expect(routes(second)).toEqual(['GET /messages/find']);
		expect(second.items[0].json).toMatchObject({
			success: true,
			skipped: true,
			chat: { chat_wid: WID },
			message: {
				access_token:
					first.items[0].json.message && (first.items[0].json.message as IDataObject).access_token,
				message_body: 'Promoção de Natal: 20% off',
				shipping_status: 'queued',
			},
		});
		expect(second.items[0].json.skipReason).toMatch(
			/^Already sent to this chat 0 min ago \(shipping status queued\); not sent again$/,
		);
		expect(second.items[0].pairedItem).toEqual({ item: 0 });
		expect(sentTo(WID)).toHaveLength(1);
	});

	it('different text, or a received message with the same text: sent', async () => {
		sentEarlier({ message_body: 'Bom dia!' });
		receiveMessage(sandbox.current.state, WID, { message_body: 'Oferta da semana' });
		const result = await send('sendText', { message: 'Oferta da semana' });
		expect(routes(result)).toEqual(['GET /messages/find', 'POST /messages/send-message-text']);
		expect(result.items[0].json.skipped).toBeUndefined();
	});

	it('a cancelled or failed earlier send does not count: sent again', async () => {
		sentEarlier({ message_body: 'Oferta', shipping_status: 'cancelled', message_ack: 100 });
		sentEarlier({ message_body: 'Oferta', shipping_status: 'failed', message_ack: -1 });
		const result = await send('sendText', { message: 'Oferta' });
		expect(routes(result)).toEqual(['GET /messages/find', 'POST /messages/send-message-text']);
	});

	it('a queued earlier send counts: skipped', async () => {
		sentEarlier({ message_body: 'Oferta', shipping_status: 'queued', message_ack: 0 });
		const result = await send('sendText', { message: 'Oferta' });
		expect(routes(result)).toEqual(['GET /messages/find']);
		expect(result.items[0].json.skipped).toBe(true);
	});

	it('outside the window: sent; inside a wider window: skipped', async () => {
		sentEarlier({ message_body: 'Oferta' }, 30);
		const inDefault = await send('sendText', { message: 'Oferta' });
		expect(routes(inDefault)).toEqual(['GET /messages/find', 'POST /messages/send-message-text']);
		// The search asks from the day before the window's start; the timestamp makes the cut.
		const dayBefore = new Date(Date.now() - 48 * 3_600_000).toISOString().slice(0, 10);
		expect(inDefault.requests[0].query.date_start).toBe(dayBefore);

		sandbox.current.reset();
		sentEarlier({ message_body: 'Oferta' }, 30);
		const wider = await send('sendText', { message: 'Oferta', skipWindowHours: 48 });
		expect(routes(wider)).toEqual(['GET /messages/find']);
		expect(wider.items[0].json.skipReason).toMatch(/^Already sent to this chat 30 h ago/);
	});

	it('same file: the same type, file name and caption (CRONCRM keeps no URL); another caption is sent', async () => {
		const file = {
			url: 'https://example.com/catalogo.pdf',
			fileName: 'catalogo.pdf',
			mimeType: 'application/pdf',
			additionalFields: { caption: 'Nosso catálogo' },
		};
		const first = await send('sendFile', file);
		expect(routes(first)).toEqual(['GET /messages/find', 'POST /messages/send-message-file']);
		const again = await send('sendFile', file);
		expect(routes(again)).toEqual(['GET /messages/find']);
		expect(again.items[0].json.skipped).toBe(true);
		const asImage = await send('sendImage', { ...file, mimeType: 'image/png' });
		expect(routes(asImage)).toEqual(['GET /messages/find', 'POST /messages/send-message-image']);
		const otherCaption = await send('sendFile', {
			...file,
			additionalFields: { caption: 'Catálogo novo' },
		});
		expect(routes(otherCaption)).toEqual([
			'GET /messages/find',
			'POST /messages/send-message-file',
		]);
	});

	it('a location: the same coordinates skip, other coordinates and an address alone are sent', async () => {
		const pin = { latitude: '-23.550164466', longitude: '-46.633664132' };
		await send('sendLocation', pin);
		const again = await send('sendLocation', pin);
		expect(routes(again)).toEqual(['GET /messages/find']);
		const elsewhere = await send('sendLocation', { latitude: '-22.9', longitude: '-43.2' });
		expect(routes(elsewhere)).toEqual(['GET /messages/find', 'POST /messages/send-location']);
		const address = { address: 'Praça da Sé, s/n, São Paulo - SP' };
		const byAddress = await send('sendLocation', address);
		expect(routes(byAddress)).toEqual(['GET /messages/find', 'POST /messages/send-location']);
		const addressAgain = await send('sendLocation', address);
		expect(routes(addressAgain)).toEqual(['GET /messages/find']);
	});

	it('contact cards: the same numbers skip, in any order; another set is sent', async () => {
		await send('sendContacts', { contactList: '+55 21 98824-8085, +55 11 97777-6666' });
		const reordered = await send('sendContacts', {
			contactList: '5511977776666; 5521988248085',
		});
		expect(routes(reordered)).toEqual(['GET /messages/find']);
		const other = await send('sendContacts', { contactList: '+55 11 97777-6666' });
		expect(routes(other)).toEqual(['GET /messages/find', 'POST /messages/send-contact-vcard-list']);
		const card = { contactPhone: '+55 11 97777-6666', contactName: 'Loja' };
		await send('sendContact', card);
		const cardAgain = await send('sendContact', card);
		expect(routes(cardAgain)).toEqual(['GET /messages/find']);
	});

	it('several items to one chat: one read; an item repeating an earlier item of the run is skipped', async () => {
		const result = await send(
			'sendText',
			{ message: '={{ $json.text }}', chatId: '={{ $json.chat }}' },
			[
				{ chat: WID, text: 'Oi, Ana' },
				{ chat: WID, text: 'Seu pedido saiu' },
				{ chat: OTHER, text: 'Oi, Bia' },
				{ chat: WID, text: 'Oi, Ana' },
			],
		);
		expect(result.error).toBeUndefined();
		const reads = result.requests.filter((r) => r.path === '/messages/find');
		expect(reads.map((r) => r.query.chat_wid).sort()).toEqual([OTHER, WID].sort());
		expect(result.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
		expect(result.items.map((item) => item.json.skipped ?? false)).toEqual([
			false,
			false,
			false,
			true,
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(sentTo(WID).map((m) => m.message_body)).toEqual(['Oi, Ana', 'Seu pedido saiu']);
	});

	it('a failed read sends nothing: the item fails, or with Continue On Fail carries the error', async () => {
		sandbox.current.faults = (request) =>
			request.route === 'GET /messages/find' ? { kind: 'html' } : undefined;
		const result = await send('sendText', { message: 'Oferta' });
		expect(result.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
		expect(result.error?.message).toMatch(
			/^Skip If Already Sent: could not read what was sent to 5521988248085@c\.us, so nothing was sent: .+ \(item 0\)$/,
		);
		const continued = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'message',
				operation: 'sendText',
				chatId: WID,
				message: 'Oferta',
				skipIfAlreadySent: true,
			},
			continueOnFail: true,
		});
		expect(continued.items[0].json.error).toMatch(/^Skip If Already Sent: could not read/);
		expect(sentTo(WID)).toHaveLength(0);
	});

	it.each([0, -5, 'abc', ''])('a window of %p stops the item before any request', async (hours) => {
		const result = await send('sendText', { message: 'Oferta', skipWindowHours: hours });
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			`Window (Hours): expected a positive number of hours, got "${hours}" (item 0)`,
		);
	});

	it('off (the default): no read, the message is sent again', async () => {
		sentEarlier({ message_body: 'Oferta' });
		const result = await send('sendText', { message: 'Oferta', skipIfAlreadySent: false });
		expect(routes(result)).toEqual(['POST /messages/send-message-text']);
	});

	it('a campaign cut off midway and run again: every contact messaged once (and twice without the option)', async () => {
		const contacts = Array.from({ length: 10 }, (_, i) => ({
			chat: `55219880${String(i).padStart(5, '0')}@c.us`,
		}));
		const campaign = (skipIfAlreadySent: boolean) =>
			runCronCrm(sandbox.current, {
				parameters: {
					resource: 'message',
					operation: 'sendText',
					chatId: '={{ $json.chat }}',
					message: 'Oferta de fim de ano',
					skipIfAlreadySent,
				},
				items: contacts,
			});
		const perChat = () => {
			const counts = new Map<string, number>();
			for (const m of sandbox.current.state.messages.filter((row) => row.source === 'in'))
				counts.set(String(m.chat_wid), (counts.get(String(m.chat_wid)) ?? 0) + 1);
			return [...counts.values()];
		};

		for (const skip of [true, false]) {
			sandbox.current.reset();
			sandbox.current.state.connection.disconnectAfterSends = 4;
			const cut = await campaign(skip);
			expect(cut.error?.message).toMatch(/WhatsApp não está conectado/);
			expect(perChat()).toEqual([1, 1, 1, 1]);
			sandbox.current.state.connection.status = 'CONNECTED';
			const again = await campaign(skip);
			expect(again.error).toBeUndefined();
			const counts = perChat();
			expect(counts).toHaveLength(10);
			expect(counts.filter((count) => count > 1)).toHaveLength(skip ? 0 : 4);
		}
	});
});
