import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { IDataObject } from 'n8n-workflow';

import { runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';
import { chatOf } from '../../sandbox/handlers/common';
import { receiveMessage } from '../../sandbox/handlers/message';
import { DEFAULT_API_KEY } from '../../sandbox/server';
import { phpDate } from '../../sandbox/state';

const sandbox = useSandbox();

const WID = '5521988248085@c.us';
const PDF = Buffer.from('%PDF-1.4 sandbox report\n%%EOF\n');

/** A file host apart from CRONCRM, recording what each download sent it. */
const fileHost = {
	url: '',
	seen: [] as IncomingHttpHeaders[],
	server: undefined as Server | undefined,
};
beforeAll(async () => {
	fileHost.server = createServer((req, res) => {
		fileHost.seen.push(req.headers);
		res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(PDF);
	});
	await new Promise<void>((resolve) => fileHost.server!.listen(0, '127.0.0.1', resolve));
	fileHost.url = `http://127.0.0.1:${(fileHost.server.address() as AddressInfo).port}`;
});
beforeEach(() => (fileHost.seen = []));
afterAll(async () => await new Promise((resolve) => fileHost.server!.close(resolve)));

function message(operation: string, parameters: IDataObject = {}) {
	return { resource: 'message', operation, chatId: WID, ...parameters };
}

async function send(
	parameters: IDataObject,
	options: { continueOnFail?: boolean; items?: IDataObject[] } = {},
) {
	return await runCronCrm(sandbox.current, { parameters, ...options });
}

describe('Message: sends (messages/send-*)', () => {
	it('Send Text: POST /messages/send-message-text with chat_wid and message, queued without toTransmit', async () => {
		const result = await send(message('sendText', { message: 'Olá! 👋' }));
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/messages/send-message-text',
		});
		expect(result.requests[0].body).toEqual({ chat_wid: WID, message: 'Olá! 👋' });
		expect(result.requests[0].headers.totransmit).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			success: true,
			chat: { chat_wid: WID },
			message: {
				message_body: 'Olá! 👋',
				message_type: 'chat',
				source: 'in',
				shipping_status: 'queued',
			},
		});
	});

	it('Send Text: Deliver Immediately sends toTransmit: true and Send as User sends account_access_token', async () => {
		sandbox.current.state.accounts.push({ access_token: 'user-token-1', name: 'Ana' });
		const result = await send(
			message('sendText', {
				message: 'Now',
				deliverImmediately: true,
				additionalFields: { user: { __rl: true, mode: 'list', value: 'user-token-1' } },
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0].headers.totransmit).toBe('true');
		expect(result.requests[0].body).toEqual({
			chat_wid: WID,
			message: 'Now',
			account_access_token: 'user-token-1',
		});
		expect(result.items[0].json).toMatchObject({
			chat: { customer_service_status_id: 5 },
			message: { shipping_status: 'sent', message_ack: 1 },
		});
	});

	it('Send Text: a formatted phone number becomes the chat_wid', async () => {
		const result = await send(
			message('sendText', { chatId: '+55 (21) 98824-8085', message: 'Hi' }),
		);
		expect(result.requests[0].body.chat_wid).toBe(WID);
		expect(chatOf(sandbox.current.state, WID, false)).toBeDefined();
	});

	it('Send Text: a malformed chat stops the item with an error naming field and item; nothing is sent', async () => {
		const result = await send(message('sendText', { chatId: 'joao@example.com', message: 'Hi' }));
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Chat: expected a phone number or a WhatsApp id ending in @c.us, @g.us, @lid or @jid, got "joao@example.com" (item 0)',
		);
	});

	it('Send Text: with Continue On Fail, only the good items are sent', async () => {
		const result = await send(message('sendText', { chatId: '={{ $json.to }}', message: 'Hi' }), {
			continueOnFail: true,
			items: [{ to: '5521988248085' }, { to: '12' }, { to: '5511977776666@c.us' }],
		});
		expect(result.requests.map((r) => r.body.chat_wid).sort()).toEqual([
			'5511977776666@c.us',
			'5521988248085@c.us',
		]);
		expect(result.items).toHaveLength(3);
		expect(result.items[1].json.error).toMatch(/^Chat: expected 8 to 15 digits .* \(item 1\)$/);
	});

	it('Send Text and Trigger Chatbot: POST /messages/send-message-and-add-trigger-chatbot hands the chat to the chatbot', async () => {
		const result = await send(
			message('sendTextTriggerChatbot', { message: 'Answer "how does it work"' }),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/messages/send-message-and-add-trigger-chatbot',
		});
		expect(result.requests[0].body).toEqual({
			chat_wid: WID,
			message: 'Answer "how does it work"',
		});
		expect(result.items[0].json).toMatchObject({ chat: { customer_service_status_id: 3 } });
	});

	it('Reply: POST /messages/send-message-reply quotes the message by message_reply_access_token', async () => {
		const received = receiveMessage(sandbox.current.state, WID, {
			message_body: 'Do you deliver?',
		});
		const result = await send(
			message('reply', {
				replyTo: received.access_token as string,
				message: 'Yes, we do.',
				deliverImmediately: true,
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/messages/send-message-reply',
		});
		expect(result.requests[0].body).toEqual({
			chat_wid: WID,
			message_reply_access_token: received.access_token,
			message: 'Yes, we do.',
		});
		expect(result.requests[0].headers.totransmit).toBe('true');
		expect(result.items[0].json).toMatchObject({
			message: {
				message_reply: true,
				message_reply_message: { message_body: 'Do you deliver?', source: 'out' },
			},
		});
	});

	it('Forward: POST /messages/send-message-forward with message_forward_access_token to an existing chat', async () => {
		const received = receiveMessage(sandbox.current.state, WID, { message_body: 'Order #42' });
		chatOf(sandbox.current.state, '5511977776666@c.us');
		const result = await send(
			message('forward', {
				chatId: '5511977776666',
				messageToForward: received.access_token as string,
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/messages/send-message-forward',
		});
		expect(result.requests[0].body).toEqual({
			chat_wid: '5511977776666@c.us',
			message_forward_access_token: received.access_token,
		});
		expect(result.items[0].json).toMatchObject({
			message: { message_forwarded: true, message_body: 'Order #42' },
		});
	});

	it('Forward: CRONCRM refuses chats that do not exist yet, and the node shows its message', async () => {
		const received = receiveMessage(sandbox.current.state, WID);
		const result = await send(
			message('forward', {
				chatId: '5511977776666',
				messageToForward: received.access_token as string,
			}),
		);
		expect(result.requests).toHaveLength(1);
		expect(result.error?.message).toMatch(/^CRONCRM: Conversa não encontrada/);
	});

	it.each([
		['sendFile', '/messages/send-message-file', 'document'],
		['sendImage', '/messages/send-message-image', 'image'],
		['sendVideo', '/messages/send-message-video', 'video'],
	])(
		'%s: POST %s with url, filename, mime_type, size and caption',
		async (operation, path, type) => {
			const result = await send(
				message(operation, {
					url: 'https://cdn.example.com/media/file.bin',
					fileName: 'file.bin',
					mimeType: 'application/octet-stream',
					additionalFields: { caption: 'See attached', size: 47 },
				}),
			);
			expect(result.error).toBeUndefined();
			expect(result.requests[0]).toMatchObject({ method: 'POST', path });
			expect(result.requests[0].body).toEqual({
				chat_wid: WID,
				url: 'https://cdn.example.com/media/file.bin',
				filename: 'file.bin',
				mime_type: 'application/octet-stream',
				size: 47,
				caption: 'See attached',
			});
			expect(result.items[0].json).toMatchObject({
				message: {
					message_type: type,
					message_caption: 'See attached',
					message_filename: 'file.bin',
				},
			});
		},
	);

	it('Send Audio: POST /messages/send-message-audio without caption, size optional', async () => {
		const result = await send(
			message('sendAudio', {
				url: 'https://cdn.example.com/voice.mp3',
				fileName: 'voice.mp3',
				mimeType: 'audio/mpeg',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/messages/send-message-audio',
		});
		expect(result.requests[0].body).toEqual({
			chat_wid: WID,
			url: 'https://cdn.example.com/voice.mp3',
			filename: 'voice.mp3',
			mime_type: 'audio/mpeg',
		});
		expect(result.items[0].json).toMatchObject({ message: { message_type: 'audio' } });
	});

	it('Send Image: a URL that is not http(s) stops the item before any request', async () => {
		const result = await send(
			message('sendImage', {
				url: 'ftp://files.example.com/a.jpg',
				fileName: 'a.jpg',
				mimeType: 'image/jpeg',
			}),
		);
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'URL: expected an http(s) URL, got "ftp://files.example.com/a.jpg" (item 0)',
		);
	});

	it('Send File: an empty required File Name stops the item before any request', async () => {
		const result = await send(
			message('sendFile', {
				url: 'https://cdn.example.com/a.pdf',
				fileName: ' ',
				mimeType: 'application/pdf',
			}),
		);
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe('File Name: is required but empty (item 0)');
	});

	it('Send Contact: POST /messages/send-contact-vcard with contact_phone as digits and contact_name', async () => {
		const result = await send(
			message('sendContact', { contactPhone: '+55 (11) 97777-6666', contactName: 'Rogério' }),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/messages/send-contact-vcard',
		});
		expect(result.requests[0].body).toEqual({
			chat_wid: WID,
			contact_phone: '5511977776666',
			contact_name: 'Rogério',
		});
		expect(result.items[0].json).toMatchObject({ message: { message_type: 'vcard' } });
	});

	it('Send Contacts: POST /messages/send-contact-vcard-list with contact_list comma-separated', async () => {
		const result = await send(
			message('sendContacts', { contactList: '+55 11 97777-6666; 5521966665555\n(21) 3333-4444' }),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/messages/send-contact-vcard-list',
		});
		expect(result.requests[0].body).toEqual({
			chat_wid: WID,
			// (21) 3333-4444, a landline typed without country code, gets the Default Country Code.
			contact_list: '5511977776666,5521966665555,552133334444',
		});
		expect(result.items[0].json).toMatchObject({ message: { message_type: 'multi_vcard' } });
	});

	it('Send Location: POST /messages/send-location with latitude and longitude as numbers, and address', async () => {
		const result = await send(
			message('sendLocation', {
				latitude: '={{ "-23.550164466" }}',
				longitude: -46.633664132,
				address: 'Praça da Sé, São Paulo - SP',
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'POST', path: '/messages/send-location' });
		expect(result.requests[0].body).toEqual({
			chat_wid: WID,
			latitude: -23.550164466,
			longitude: -46.633664132,
			address: 'Praça da Sé, São Paulo - SP',
		});
		expect(result.items[0].json).toMatchObject({ message: { message_type: 'location' } });
	});

	it('Send Location by address alone: no coordinates are sent, the contact gets the address', async () => {
		const result = await send(
			message('sendLocation', { address: 'Praça da Sé, s/n, Sé, São Paulo - SP' }),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0].body).toEqual({
			chat_wid: WID,
			address: 'Praça da Sé, s/n, Sé, São Paulo - SP',
		});
		expect(result.items[0].json).toMatchObject({ message: { message_type: 'location' } });
	});

	it('Send Location with nothing to send stops the item before any request', async () => {
		const result = await send(message('sendLocation', {}));
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Send Location: give Latitude and Longitude, an Address, or both (item 0)',
		);
	});

	it.each([
		[
			'left empty',
			'',
			-46.6,
			'Send Location: give both Latitude and Longitude, or neither (Latitude is empty) (item 0)',
		],
		[
			'out of range',
			'123',
			-46.6,
			'Latitude: expected a number from -90 to 90, got "123" (item 0)',
		],
		[
			'not a number',
			'-23,55',
			-46.6,
			'Latitude: expected a number from -90 to 90, got "-23,55" (item 0)',
		],
		[
			'a longitude out of range',
			'-23.5',
			200,
			'Longitude: expected a number from -180 to 180, got "200" (item 0)',
		],
	])(
		'Send Location: a coordinate %s stops the item (no pin in the ocean)',
		async (_, latitude, longitude, error) => {
			const result = await send(
				message('sendLocation', { latitude: `={{ ${JSON.stringify(latitude)} }}`, longitude }),
			);
			expect(result.requests).toHaveLength(0);
			expect(result.error?.message).toBe(error);
		},
	);
});

describe('Message: Get Many (messages/find)', () => {
	async function sendTexts(count: number) {
		const items = Array.from({ length: count }, (_, i) => ({ text: `Message ${i + 1}` }));
		const result = await send(message('sendText', { message: '={{ $json.text }}' }), { items });
		expect(result.requests).toHaveLength(count);
		sandbox.current.requests.length = 0;
	}

	it('Return All walks every page and outputs one item per { chat, message } record', async () => {
		await sendTexts(45);
		const result = await send({ resource: 'message', operation: 'getMany', returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/messages/find', { page: '1' }],
			['GET', '/messages/find', { page: '2' }],
			['GET', '/messages/find', { page: '3' }],
		]);
		expect(result.items).toHaveLength(45);
		expect(result.items[0].json).toMatchObject({
			chat: { chat_wid: WID },
			message: { message_type: 'chat' },
		});
		expect(
			new Set(result.items.map((i) => (i.json.message as { message_body: string }).message_body))
				.size,
		).toBe(45);
	});

	it('Limit stops fetching once enough messages arrived', async () => {
		await sendTexts(45);
		const result = await send({
			resource: 'message',
			operation: 'getMany',
			returnAll: false,
			limit: 25,
		});
		expect(result.items).toHaveLength(25);
		expect(result.requests.map((r) => r.query.page)).toEqual(['1', '2']);
	});

	it('Filters go in the query with the collection\'s names; "Received" is the API\'s source=out', async () => {
		const state = sandbox.current.state;
		const july = (day: number) =>
			phpDate(new Date(`2025-07-${String(day).padStart(2, '0')}T15:00:00Z`));
		receiveMessage(state, WID, { message_body: 'early', created: july(5) });
		receiveMessage(state, WID, { message_body: 'match', created: july(15) });
		receiveMessage(state, WID, { message_body: 'voice', created: july(15), message_type: 'ptt' });
		receiveMessage(state, '5511977776666@c.us', { message_body: 'other chat', created: july(15) });
		await send(message('sendText', { message: 'sent by us' }));
		sandbox.current.requests.length = 0;

		const result = await send({
			resource: 'message',
			operation: 'getMany',
			returnAll: true,
			filters: {
				chatId: '+55 21 98824-8085',
				source: 'out',
				messageType: 'chat',
				messageAck: '2',
				dateStart: '2025-07-10T00:00:00',
				dateEnd: '2025-07-31',
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0].query).toEqual({
			chat_wid: WID,
			source: 'out',
			message_type: 'chat',
			message_ack: '2',
			date_start: '2025-07-10',
			date_end: '2025-07-31',
			page: '1',
		});
		expect(
			result.items.map((i) => (i.json.message as { message_body: string }).message_body),
		).toEqual(['match']);
	});

	it('Message Ack 100 ("send cancelled") is offered and sent as message_ack=100', async () => {
		const state = sandbox.current.state;
		await send(message('sendText', { message: 'cancelled one' }));
		await send(message('sendText', { message: 'kept one' }));
		state.messages[0].message_ack = 100;
		state.messages[0].shipping_status = 'cancelled';
		sandbox.current.requests.length = 0;
		const result = await send({
			resource: 'message',
			operation: 'getMany',
			returnAll: true,
			filters: { messageAck: '100' },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0].query).toEqual({ message_ack: '100', page: '1' });
		expect(
			result.items.map((i) => (i.json.message as { message_body: string }).message_body),
		).toEqual(['cancelled one']);
	});

	it('Shipping status and access token filters', async () => {
		await send(message('sendText', { message: 'queued one' }));
		await send(message('sendText', { message: 'sent one', deliverImmediately: true }));
		sandbox.current.requests.length = 0;
		const sent = await send({
			resource: 'message',
			operation: 'getMany',
			returnAll: true,
			filters: { shippingStatus: 'sent', source: 'in' },
		});
		expect(sent.requests[0].query).toEqual({ shipping_status: 'sent', source: 'in', page: '1' });
		expect(
			sent.items.map((i) => (i.json.message as { message_body: string }).message_body),
		).toEqual(['sent one']);

		const token = sandbox.current.state.messages[0].access_token as string;
		const byToken = await send({
			resource: 'message',
			operation: 'getMany',
			returnAll: true,
			filters: { accessToken: token },
		});
		expect(byToken.requests[0].query).toEqual({ access_token: token, page: '1' });
		expect(
			byToken.items.map((i) => (i.json.message as { access_token: string }).access_token),
		).toEqual([token]);
	});

	it('An invalid date stops the item before any request', async () => {
		const result = await send({
			resource: 'message',
			operation: 'getMany',
			returnAll: true,
			filters: { dateStart: '2025-02-30' },
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Date Start: expected a date as YYYY-MM-DD, got "2025-02-30" (item 0)',
		);
	});
});

describe('Message: Get Consumption (messages/consumption)', () => {
	it('GET /messages/consumption with chat_wid and dates counts by type, status and source', async () => {
		const state = sandbox.current.state;
		const day = phpDate(new Date('2025-08-10T15:00:00Z'));
		receiveMessage(state, WID, { created: day });
		receiveMessage(state, WID, { created: day, message_type: 'image' });
		receiveMessage(state, '5511977776666@c.us', { created: day });
		const result = await send({
			resource: 'message',
			operation: 'getConsumption',
			filters: { chatId: WID, dateStart: '2025-08-01', dateEnd: '2025-08-31' },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({ method: 'GET', path: '/messages/consumption' });
		expect(result.requests[0].query).toEqual({
			chat_wid: WID,
			date_start: '2025-08-01',
			date_end: '2025-08-31',
		});
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			date_start: '2025-08-01',
			date_end: '2025-08-31',
			total: { total: 2, by_source: { in: 0, out: 2 }, by_message_type: { chat: 1, image: 1 } },
		});
	});

	it('Without filters nothing is put in the query', async () => {
		const result = await send({ resource: 'message', operation: 'getConsumption' });
		expect(result.error).toBeUndefined();
		expect(result.requests[0].query).toEqual({});
	});
});

describe('Message: Get File (messages/get-file)', () => {
	async function sendPdf() {
		await send(
			message('sendFile', {
				url: `${fileHost.url}/reports/july.pdf`,
				fileName: 'july.pdf',
				mimeType: 'application/pdf',
			}),
		);
		sandbox.current.requests.length = 0;
		return sandbox.current.state.messages[0].access_token as string;
	}

	it('GET /messages/get-file with access_token returns the public URL', async () => {
		const token = await sendPdf();
		const result = await send({ resource: 'message', operation: 'getFile', accessToken: token });
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'GET', path: '/messages/get-file' });
		expect(result.requests[0].query).toEqual({ access_token: token });
		expect(result.items[0].json).toEqual({
			success: true,
			file_mimetype: 'application/pdf',
			filename: 'july.pdf',
			url: `${fileHost.url}/reports/july.pdf`,
		});
		expect(result.items[0].binary).toBeUndefined();
		expect(fileHost.seen).toHaveLength(0);
	});

	it('Download File puts the bytes in a binary property, named and typed from the reply, without the API key', async () => {
		const token = await sendPdf();
		const result = await send({
			resource: 'message',
			operation: 'getFile',
			accessToken: token,
			download: true,
			binaryPropertyName: 'report',
		});
		expect(result.error).toBeUndefined();
		const binary = result.items[0].binary?.report;
		expect(binary).toMatchObject({ fileName: 'july.pdf', mimeType: 'application/pdf' });
		expect(Buffer.from(binary!.data, 'base64')).toEqual(PDF);
		expect(fileHost.seen).toHaveLength(1);
		expect(fileHost.seen[0].apikey).toBeUndefined();
		// The file host is not CRONCRM: the sandbox saw only the get-file call.
		expect(result.requests).toHaveLength(1);
	});

	it("A message without a file: CRONCRM's 404 message is shown", async () => {
		await send(message('sendText', { message: 'no file here' }));
		const token = sandbox.current.state.messages[0].access_token as string;
		const result = await send({
			resource: 'message',
			operation: 'getFile',
			accessToken: token,
			download: true,
		});
		expect(result.error?.message).toMatch(/^CRONCRM: Esta mensagem não possui arquivo/);
		expect(fileHost.seen).toHaveLength(0);
	});
});

describe('Message: Delete (messages/delete)', () => {
	it("DELETE /messages/delete sends the token under both of the collection's spellings, access_token and message_access_token", async () => {
		await send(message('sendText', { message: 'oops' }));
		const token = sandbox.current.state.messages[0].access_token as string;
		const result = await send(
			message('delete', { chatId: '5521988248085', messageToDelete: token }),
		);
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'DELETE', path: '/messages/delete' });
		// The collection contradicts itself, so either reading of the live API must find the token.
		expect(result.requests[0].body).toEqual({
			chat_wid: WID,
			message_access_token: token,
			access_token: token,
		});
		expect(result.items[0].json).toMatchObject({
			success: true,
			msg: expect.stringMatching(/^Mensagem removida/),
		});
		expect(sandbox.current.state.messages).toHaveLength(0);
	});

	it.each(['access_token', 'message_access_token'])(
		'The sandbox deletes with %s alone, as the live API may read either',
		async (spelling) => {
			await send(message('sendText', { message: 'oops' }));
			const token = sandbox.current.state.messages[0].access_token as string;
			const reply = await fetch(`${sandbox.current.url}/messages/delete`, {
				method: 'DELETE',
				headers: { apiKey: DEFAULT_API_KEY, 'Content-Type': 'application/json' },
				body: JSON.stringify({ chat_wid: WID, [spelling]: token }),
			});
			expect(reply.status).toBe(200);
			expect(sandbox.current.state.messages).toHaveLength(0);
		},
	);

	it('A message access token that resolves to nothing stops the item before any request', async () => {
		const result = await send(message('delete', { messageToDelete: '={{ $json.token }}' }));
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Message Access Token: is required but empty (item 0)');
	});
});
