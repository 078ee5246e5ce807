/**
 * What a WhatsApp bot needs from the trigger: one identity per contact, silence while a person
 * has the chat, one execution per delivered message, and (with Message → Wait for Burst to End)
 * one answer per burst, played by the sandbox over HTTP.
 */
import type { IDataObject } from 'n8n-workflow';

import { isRepeatedDelivery, REPEATS } from '../../nodes/CronCrmTrigger/chatFilters';
import type { NormalizedEvent } from '../../nodes/CronCrmTrigger/payload';
import { chatOf } from '../../sandbox/handlers/common';
import { newInstance } from '../../sandbox/handlers/instance';
import { runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';
import { fire, useWebhookServer } from '../helpers/trigger';

const sandbox = useSandbox();
const server = useWebhookServer();

const WID = '5521988248085@c.us';
const LID = '204788134928771@lid';

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
	return { instance, trigger };
}

async function control(path: string, body: IDataObject) {
	const reply = await fetch(`${sandbox.current.origin}/__sandbox${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	return (await reply.json()) as IDataObject;
}

function setStatus(chat: string, status: number) {
	chatOf(sandbox.current.state, chat)!.customer_service_status_id = status;
}

describe('CRONCRM Trigger: the contact on the output', () => {
	it('phone-based chats give the phone in digits; @lid chats give the lid and no phone', async () => {
		const { trigger } = await activeTrigger(['onReceived']);
		await fire(sandbox.current, 'Vendas', 'onReceived', { chat: { chat_wid: WID } });
		await fire(sandbox.current, 'Vendas', 'onReceived', { chat: { chat_wid: LID } });
		expect(trigger.executions.map((e) => e.items[0].json.contact)).toEqual([
			{ chat_id: WID, phone: '5521988248085', lid: null, is_group: false },
			{ chat_id: LID, phone: null, lid: LID, is_group: false },
		]);
	});
});

describe('CRONCRM Trigger: Ignore Chats Handled by a Person', () => {
	it.each([1, 2])(
		'a chat in status %i (a person has it, or is waited for) starts nothing; read from the event, no request',
		async (status) => {
			const { trigger } = await activeTrigger(['onReceived'], { ignoreHandledChats: true });
			setStatus(WID, status);
			const before = sandbox.current.requests.length;
			const result = await fire(sandbox.current, 'Vendas', 'onReceived', {
				chat: { chat_wid: WID },
			});
			expect(result.response).toEqual({
				success: true,
				started: false,
				reason: `chat handled by a person (customer_service_status_id ${status})`,
			});
			expect(trigger.executions).toHaveLength(0);
			expect(sandbox.current.requests.slice(before).map((r) => r.path)).toEqual([]);
		},
	);

	it('chatbot (3), done (4) and API (5) chats pass', async () => {
		const { trigger } = await activeTrigger(['onReceived'], { ignoreHandledChats: true });
		for (const status of [3, 4, 5]) {
			setStatus(WID, status);
			await fire(sandbox.current, 'Vendas', 'onReceived', { chat: { chat_wid: WID } });
		}
		expect(trigger.executions).toHaveLength(3);
	});

	it('an event without the status costs one chats/find for the chat', async () => {
		const { trigger } = await activeTrigger(['onReceived'], { ignoreHandledChats: true });
		setStatus(LID, 1);
		const before = sandbox.current.requests.length;
		const skipped = await fire(sandbox.current, 'Vendas', 'onReceived', {
			chat: { chat_wid: LID, customer_service_status_id: null },
		});
		expect(skipped.response).toMatchObject({ started: false });
		const lookups = sandbox.current.requests.slice(before);
		expect(lookups.map((r) => [r.path, r.query.chat_wid])).toEqual([['/chats/find', LID]]);

		setStatus(LID, 3);
		await fire(sandbox.current, 'Vendas', 'onReceived', {
			chat: { chat_wid: LID, customer_service_status_id: null },
		});
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0].items[0].json.service_status_error).toBeUndefined();
	});

	it('off, every chat starts the workflow', async () => {
		const { trigger } = await activeTrigger(['onReceived']);
		setStatus(WID, 1);
		await fire(sandbox.current, 'Vendas', 'onReceived', { chat: { chat_wid: WID } });
		expect(trigger.executions).toHaveLength(1);
	});
});

describe('CRONCRM Trigger: Ignore Repeated Deliveries', () => {
	it('the same message posted again starts once; a new message, or an ack at another level, starts again', async () => {
		const { trigger } = await activeTrigger(['onReceived', 'onAck'], {
			ignoreRepeatedDeliveries: true,
		});
		await fire(sandbox.current, 'Vendas', 'onReceived', { message: { message_body: 'oi' } });
		const again = await control('/hooks/redeliver', {});
		expect(again.response).toEqual({ success: true, started: false, reason: 'repeated delivery' });
		await fire(sandbox.current, 'Vendas', 'onReceived', { message: { message_body: 'oi' } });
		expect(trigger.executions.map((e) => e.items[0].json.text)).toEqual(['oi', 'oi']);

		const sent = await runCronCrm(sandbox.current, {
			parameters: { resource: 'message', operation: 'sendText', chatId: WID, message: 'Olá!' },
		});
		const token = (sent.items[0].json.message as IDataObject).access_token;
		await fire(sandbox.current, 'Vendas', 'onAck', { message: { access_token: token } });
		await control('/hooks/redeliver', {});
		await fire(sandbox.current, 'Vendas', 'onAck', {
			message: { access_token: token, message_ack: 4 },
		});
		expect(
			trigger.executions.slice(2).map((e) => [e.items[0].json.event, e.items[0].json.ack]),
		).toEqual([
			['onAck', 3],
			['onAck', 4],
		]);
	});

	it('off, a repeated delivery starts the workflow again', async () => {
		const { trigger } = await activeTrigger(['onReceived']);
		await fire(sandbox.current, 'Vendas', 'onReceived');
		await control('/hooks/redeliver', {});
		expect(trigger.executions).toHaveLength(2);
	});

	it('it remembers a bounded number of deliveries, for a bounded time', () => {
		const event = (token: string) =>
			({ event: 'onReceived', message_access_token: token, ack: 2 }) as NormalizedEvent;
		const key = `test-${Date.now()}`;
		const saved = { ...REPEATS };
		try {
			REPEATS.maxRemembered = 3;
			expect(isRepeatedDelivery(key, event('a'), 1000)).toBe(false);
			expect(isRepeatedDelivery(key, event('a'), 2000)).toBe(true);
			// Past the window, the same message starts again.
			expect(isRepeatedDelivery(key, event('a'), 1000 + REPEATS.windowMs + 1)).toBe(false);
			const now = 1000 + REPEATS.windowMs + 2;
			for (const token of ['b', 'c', 'd'])
				expect(isRepeatedDelivery(key, event(token), now)).toBe(false);
			// Three remembered at most: the oldest ("a") was forgotten to make room.
			expect(isRepeatedDelivery(key, event('d'), now)).toBe(true);
			expect(isRepeatedDelivery(key, event('a'), now)).toBe(false);
		} finally {
			Object.assign(REPEATS, saved);
		}
	});
});

describe('One answer per burst: the sandbox plays a burst into the trigger', () => {
	it('three messages, one execution each; Wait for Burst to End outputs one item, from the last', async () => {
		const { trigger } = await activeTrigger(['onReceived']);
		const played = await control('/hooks/burst', {
			instance: 'Vendas',
			chat_wid: WID,
			texts: ['oi', 'quero saber o preço', 'do plano anual'],
			gapsMs: [100, 100],
		});
		expect((played.deliveries as IDataObject[]).map((d) => d.delivered)).toEqual([
			true,
			true,
			true,
		]);
		expect(trigger.executions).toHaveLength(3);
		const outputs = [];
		for (const execution of trigger.executions) {
			const result = await runCronCrm(sandbox.current, {
				parameters: {
					resource: 'message',
					operation: 'waitForBurst',
					chatId: '={{ $json.chat_wid }}',
					messageToken: '={{ $json.message_access_token }}',
					quietSeconds: 0,
				},
				items: [execution.items[0].json],
			});
			expect(result.error).toBeUndefined();
			outputs.push(result.items.map((item) => item.json.text));
		}
		expect(outputs).toEqual([[], [], ['oi\nquero saber o preço\ndo plano anual']]);
	});
});
