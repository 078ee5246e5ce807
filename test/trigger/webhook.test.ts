import type { IDataObject } from 'n8n-workflow';

import { MAX_BODY_BYTES, MEDIA_LIMITS } from '../../nodes/CronCrmTrigger/CronCrmTrigger.node';
import { newInstance } from '../../sandbox/handlers/instance';
import type { Row } from '../../sandbox/state';
import { useSandbox } from '../helpers/sandbox';
import { ALL_HOOKS, fire, useWebhookServer, type Trigger } from '../helpers/trigger';

const sandbox = useSandbox();
const server = useWebhookServer();

const HOOKS = ALL_HOOKS;

/** An instance with a trigger active on it; returns both and the registered URL. */
async function activeTrigger(events: string[], options: IDataObject = {}) {
	const instance = newInstance('Vendas', 1);
	sandbox.current.state.instances.push(instance);
	const trigger = server.current.addTrigger(sandbox.current, {
		parameters: {
			instance: { __rl: true, mode: 'id', value: instance.access_token },
			events,
			options,
		},
	});
	await trigger.activate();
	const url =
		(instance.webhooks as Record<string, string>).message ||
		Object.values(instance.webhooks as object).find(Boolean);
	return { instance, trigger, url: url as string };
}

/** Puts the trigger's URL in every slot, so that every hook reaches it. */
function routeAllSlotsTo(instance: Row, url: string) {
	for (const key of Object.keys(instance.webhooks as object))
		(instance.webhooks as Record<string, string>)[key] = url;
}

async function post(url: string, body: string | Buffer, contentType = 'application/json') {
	const reply = await fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': contentType },
		body,
	});
	return { status: reply.status, body: await reply.text() };
}

describe('CRONCRM Trigger: events', () => {
	it.each(HOOKS)(
		'%s reaches the workflow; the eight other hooks are answered 200 and start nothing',
		async (hook) => {
			const { instance, trigger, url } = await activeTrigger([hook]);
			routeAllSlotsTo(instance, url);
			for (const other of HOOKS) {
				const result = await fire(sandbox.current, 'Vendas', other);
				expect({ other, status: result.status }).toEqual({ other, status: 200 });
				if (other !== hook)
					expect(result.response).toEqual({
						success: true,
						started: false,
						reason: `event ${other} not selected`,
					});
			}
			expect(trigger.executions).toHaveLength(1);
			const [item] = trigger.executions[0].items;
			const delivered = sandbox.current.state.hookDeliveries.find((d) => d.hook === hook)!;
			expect(item.json.event).toBe(hook);
			// The payload is passed on untouched beside the normalized fields.
			expect(item.json.payload).toEqual(delivered.body);
			expect(item.json.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		},
	);

	it('a received message: normalized fields from the message record', async () => {
		const { trigger } = await activeTrigger(['onReceived']);
		await fire(sandbox.current, 'Vendas', 'onReceived', {
			chat: { chat_wid: '5511912345678@c.us' },
			message: { message_body: 'Quero um orçamento', message_timestamp: '1753299286.759418' },
		});
		const stored = sandbox.current.state.messages.at(-1)!;
		expect(trigger.executions[0].items[0].json).toMatchObject({
			event: 'onReceived',
			chat_wid: '5511912345678@c.us',
			text: 'Quero um orçamento',
			message_type: 'chat',
			ack: 2,
			message_access_token: stored.access_token,
			timestamp: '2025-07-23T19:34:46.759Z',
		});
	});

	it('a status change: the ack of the sent message', async () => {
		const { trigger } = await activeTrigger(['onAck']);
		await fire(sandbox.current, 'Vendas', 'onAck');
		expect(trigger.executions[0].items[0].json).toMatchObject({
			event: 'onAck',
			chat_wid: '5521988248085@c.us',
			ack: 3,
			message_type: 'chat',
		});
	});

	it('other hooks: chat_wid when they are about a chat, no message fields', async () => {
		const { instance, trigger, url } = await activeTrigger(['IncomingCall', 'onStateChanged']);
		routeAllSlotsTo(instance, url);
		await fire(sandbox.current, 'Vendas', 'IncomingCall');
		await fire(sandbox.current, 'Vendas', 'onStateChanged');
		const [call, state] = trigger.executions.map((e) => e.items[0].json);
		expect(call).toMatchObject({
			event: 'IncomingCall',
			chat_wid: '5521988248085@c.us',
			text: null,
			ack: null,
			message_access_token: null,
		});
		// Normalized, because Chat → Reject Incoming Call needs it.
		expect(call.incoming_call_id).toMatch(/^CALL/);
		expect(call.incoming_call_id).toBe((call.payload as IDataObject).incoming_call_id);
		expect(state.incoming_call_id).toBeNull();
		expect(state).toMatchObject({
			event: 'onStateChanged',
			chat_wid: null,
			payload: { hook: 'onStateChanged', state: 'CONNECTED' },
		});
	});

	it('a body without a known hook is answered 200 and starts nothing', async () => {
		const { trigger, url } = await activeTrigger(['onReceived']);
		expect(await post(url, JSON.stringify({ hook: 'onSomethingNew' }))).toEqual({
			status: 200,
			body: JSON.stringify({
				success: true,
				started: false,
				reason: 'unknown hook "onSomethingNew"',
			}),
		});
		expect(await post(url, JSON.stringify({ text: 'no hook' }))).toMatchObject({ status: 200 });
		expect(trigger.executions).toHaveLength(0);
	});

	it('the hook name may come in "event" and in any case', async () => {
		const { trigger, url } = await activeTrigger(['IncomingCall']);
		await post(url, JSON.stringify({ event: 'incomingcall', chat_wid: '5521988248085@c.us' }));
		expect(trigger.executions[0].items[0].json).toMatchObject({
			event: 'IncomingCall',
			chat_wid: '5521988248085@c.us',
		});
	});
});

describe('CRONCRM Trigger: trust and malformed calls', () => {
	it('a call without the secret, or with a wrong one, is answered 401 and starts nothing', async () => {
		const { trigger, url } = await activeTrigger(['onReceived']);
		const body = JSON.stringify({ hook: 'onReceived', message: { message_body: 'hi' } });
		const secret = new URL(url).searchParams.get('croncrm_secret')!;
		expect((await post(trigger.url(), body)).status).toBe(401);
		expect(
			(await post(`${trigger.url()}?croncrm_secret=${'0'.repeat(secret.length)}`, body)).status,
		).toBe(401);
		expect(
			(await post(`${trigger.url()}?croncrm_secret=${secret.slice(0, -1)}`, body)).status,
		).toBe(401);
		const refused = server.current.responses.filter((r) => r.status === 401);
		expect(refused).toHaveLength(3);
		expect(JSON.parse(refused[0].body)).toEqual({
			success: false,
			msg: 'Missing or wrong secret: this URL is registered by the CRONCRM Trigger',
		});
		expect(trigger.executions).toHaveLength(0);
		expect((await post(url, body)).status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});

	it("another trigger node's secret (same API key) is refused: the secret is bound to the node", async () => {
		const { instance, trigger } = await activeTrigger(['onReceived']);
		const other = server.current.addTrigger(sandbox.current, {
			webhookId: 'trigger-2',
			parameters: {
				instance: { __rl: true, mode: 'id', value: instance.access_token },
				events: ['onStateChanged'],
				options: {},
			},
		});
		await other.activate();
		const otherSecret = new URL(
			(instance.webhooks as Record<string, string>).stateChanged,
		).searchParams.get('croncrm_secret');
		const forged = `${trigger.url()}?croncrm_secret=${otherSecret}`;
		expect((await post(forged, JSON.stringify({ hook: 'onReceived' }))).status).toBe(401);
		expect(trigger.executions).toHaveLength(0);
	});

	it.each([
		['text that is not JSON', 'hello', 'text/plain'],
		['a JSON array', '[{"hook":"onReceived"}]', 'application/json'],
		['a JSON string', '"onReceived"', 'application/json'],
		['an empty body', '', 'application/json'],
		['JSON without a content type n8n parses', 'not json {', 'application/octet-stream'],
	])('%s is answered 400 and starts nothing', async (_label, body, contentType) => {
		const { trigger, url } = await activeTrigger(['onReceived']);
		const reply = await post(url, body, contentType);
		expect(reply).toEqual({
			status: 400,
			body: JSON.stringify({ success: false, msg: 'Body is not a JSON object' }),
		});
		expect(trigger.executions).toHaveLength(0);
	});

	it('JSON under another content type is still read', async () => {
		const { trigger, url } = await activeTrigger(['onStateChanged']);
		await post(url, JSON.stringify({ hook: 'onStateChanged', state: 'CONFLICT' }), 'text/plain');
		expect(trigger.executions[0].items[0].json).toMatchObject({
			event: 'onStateChanged',
			payload: { state: 'CONFLICT' },
		});
	});

	it(`a body over ${MAX_BODY_BYTES} bytes is answered 413 and starts nothing`, async () => {
		const { trigger, url } = await activeTrigger(['onReceived']);
		const big = JSON.stringify({
			hook: 'onReceived',
			message: { message_body: 'x'.repeat(MAX_BODY_BYTES) },
		});
		expect((await post(url, big)).status).toBe(413);
		expect(trigger.executions).toHaveLength(0);
		const justUnder = JSON.stringify({
			hook: 'onReceived',
			message: { message_body: 'x'.repeat(MAX_BODY_BYTES - 100) },
		});
		expect((await post(url, justUnder)).status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
	});
});

describe('CRONCRM Trigger: options', () => {
	it('Ignore Messages Sent by This Account drops received messages with source "in" only', async () => {
		const { trigger } = await activeTrigger(['onReceived', 'onSender'], {
			ignoreOwnMessages: true,
		});
		const own = await fire(sandbox.current, 'Vendas', 'onReceived', {
			message: { source: 'in', message_body: 'sent from the phone' },
		});
		expect(own.response).toEqual({
			success: true,
			started: false,
			reason: 'message sent by this account',
		});
		await fire(sandbox.current, 'Vendas', 'onReceived', {
			message: { message_body: 'from a customer' },
		});
		await fire(sandbox.current, 'Vendas', 'onSender');
		expect(trigger.executions.map((e) => [e.items[0].json.event, e.items[0].json.text])).toEqual([
			['onReceived', 'from a customer'],
			// The send confirmation is about the account's own latest message.
			['onSender', 'sent from the phone'],
		]);
	});

	it('Ignore Groups drops group chats but not the group events', async () => {
		const { instance, trigger, url } = await activeTrigger(
			['onReceived', 'onParticipantsChanged'],
			{ ignoreGroups: true },
		);
		routeAllSlotsTo(instance, url);
		const group = await fire(sandbox.current, 'Vendas', 'onReceived', {
			chat: { chat_wid: '120363012345678901@g.us' },
		});
		expect(group.response).toMatchObject({ started: false, reason: 'group chat' });
		await fire(sandbox.current, 'Vendas', 'onReceived', {
			chat: { chat_wid: '5521988248085@c.us' },
		});
		await fire(sandbox.current, 'Vendas', 'onParticipantsChanged');
		expect(trigger.executions.map((e) => e.items[0].json.chat_wid)).toEqual([
			'5521988248085@c.us',
			'120363012345678901@g.us',
		]);
	});

	it('Only These Chats takes formatted phone numbers; events without a chat pass', async () => {
		const { instance, trigger, url } = await activeTrigger(['onReceived', 'onStateChanged'], {
			onlyChats: '+55 (21) 98824-8085; 120363012345678901@g.us',
		});
		routeAllSlotsTo(instance, url);
		await fire(sandbox.current, 'Vendas', 'onReceived', {
			chat: { chat_wid: '5521988248085@c.us' },
		});
		await fire(sandbox.current, 'Vendas', 'onReceived', {
			chat: { chat_wid: '120363012345678901@g.us' },
		});
		const other = await fire(sandbox.current, 'Vendas', 'onReceived', {
			chat: { chat_wid: '5511900000000@c.us' },
		});
		expect(other.response).toMatchObject({
			started: false,
			reason: 'chat not in Only These Chats',
		});
		await fire(sandbox.current, 'Vendas', 'onStateChanged');
		expect(
			trigger.executions.map((e) => `${e.items[0].json.event} ${e.items[0].json.chat_wid}`),
		).toEqual([
			'onReceived 5521988248085@c.us',
			'onReceived 120363012345678901@g.us',
			'onStateChanged null',
		]);
	});

	it('Only These Ack Levels filters status changes, not received messages', async () => {
		const { trigger } = await activeTrigger(['onAck', 'onReceived'], { ackLevels: ['3', '4'] });
		const delivered = await fire(sandbox.current, 'Vendas', 'onAck', {
			message: { message_ack: 2 },
		});
		expect(delivered.response).toMatchObject({ started: false, reason: 'ack level not selected' });
		await fire(sandbox.current, 'Vendas', 'onAck', { message: { message_ack: 3 } });
		await fire(sandbox.current, 'Vendas', 'onReceived');
		expect(trigger.executions.map((e) => [e.items[0].json.event, e.items[0].json.ack])).toEqual([
			['onAck', 3],
			['onReceived', 2],
		]);
	});
});

describe('CRONCRM Trigger: Download Media', () => {
	const image = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

	async function receiveImage(trigger: Trigger) {
		server.current.files.set('/files/photo.png', { mimeType: 'image/png', data: image });
		await fire(sandbox.current, 'Vendas', 'onReceived', {
			message: {
				message_type: 'image',
				message_body: null,
				file_url: `${server.current.base}/files/photo.png`,
				message_filename: 'photo.png',
				message_file_mimetype: 'image/png',
			},
		});
		return trigger.executions[0].items[0];
	}

	it('puts the file of a received image in the binary field, through messages/get-file', async () => {
		const { trigger } = await activeTrigger(['onReceived'], {
			downloadMedia: true,
			binaryPropertyName: 'photo',
		});
		sandbox.current.requests.length = 0;
		const item = await receiveImage(trigger);
		const token = sandbox.current.state.messages.at(-1)!.access_token;
		expect(sandbox.current.requests).toHaveLength(1);
		expect(sandbox.current.requests[0]).toMatchObject({
			method: 'GET',
			path: '/messages/get-file',
			query: { access_token: token },
		});
		expect(item.json).toMatchObject({ message_type: 'image', message_access_token: token });
		expect(item.binary?.photo).toMatchObject({ fileName: 'photo.png', mimeType: 'image/png' });
		expect(Buffer.from(item.binary!.photo.data, 'base64')).toEqual(image);
	});

	it('off: nothing is downloaded', async () => {
		const { trigger } = await activeTrigger(['onReceived']);
		sandbox.current.requests.length = 0;
		const item = await receiveImage(trigger);
		expect(item.binary).toBeUndefined();
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('a text message has no file to fetch', async () => {
		const { trigger } = await activeTrigger(['onReceived'], { downloadMedia: true });
		sandbox.current.requests.length = 0;
		await fire(sandbox.current, 'Vendas', 'onReceived');
		expect(trigger.executions[0].items[0].binary).toBeUndefined();
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('a file that cannot be fetched still starts the workflow, with media_error', async () => {
		const { trigger } = await activeTrigger(['onReceived'], { downloadMedia: true });
		// No file_url: CRONCRM answers that the message has no file.
		await fire(sandbox.current, 'Vendas', 'onReceived', { message: { message_type: 'document' } });
		const item = trigger.executions[0].items[0];
		expect(item.binary).toBeUndefined();
		expect(item.json.media_error).toMatch(/^CRONCRM: Esta mensagem não possui arquivo/);
	});

	it('a slow file host does not hold up the answer to CRONCRM: past the deadline the workflow starts with media_error', async () => {
		const deadline = MEDIA_LIMITS.deadlineMs;
		MEDIA_LIMITS.deadlineMs = 300;
		try {
			const { trigger } = await activeTrigger(['onReceived'], { downloadMedia: true });
			server.current.files.set('/files/slow.png', {
				mimeType: 'image/png',
				data: image,
				holdMs: 1500,
			});
			const started = Date.now();
			const delivery = await fire(sandbox.current, 'Vendas', 'onReceived', {
				message: {
					message_type: 'image',
					file_url: `${server.current.base}/files/slow.png`,
					message_filename: 'slow.png',
				},
			});
			// CRONCRM got its 200 well before the file host answered.
			expect(delivery).toMatchObject({ status: 200, delivered: true });
			expect(Date.now() - started).toBeLessThan(1200);
			const item = trigger.executions[0].items[0];
			expect(item.binary).toBeUndefined();
			expect(item.json).toMatchObject({
				event: 'onReceived',
				message_type: 'image',
				media_error:
					'The file took longer than 0.3 s to download: the workflow started without it, so that CRONCRM got its answer in time',
			});
			// The abandoned download finishes in the background and changes nothing.
			const served = () => server.current.responses.some((r) => r.path === '/files/slow.png');
			while (!served()) await new Promise((resolve) => setTimeout(resolve, 50));
			expect(trigger.executions).toHaveLength(1);
			expect(trigger.executions[0].items[0].binary).toBeUndefined();
		} finally {
			MEDIA_LIMITS.deadlineMs = deadline;
		}
	});
});
