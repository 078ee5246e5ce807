import type { ControlHandler, HandlerResult, Sandbox } from '../server';
import type { Row, SandboxState } from '../state';
import { byToken, chatOf, fail } from './common';
import { instanceOf, setEmptyMeansUnchanged, SLOT_FIELDS } from './instance';
import { chatSummary, messageView, receiveMessage } from './message';

/**
 * CRONCRM posts events ("hooks") to the URL in an instance's slot. The collection shows no such
 * body; the sandbox posts what the trigger assumes (see nodes/CronCrmTrigger/payload.ts): a JSON
 * object with the hook name in `hook`, and for message hooks the `{ chat, message }` record of
 * messages/find. Message hooks also change the account's messages, so that messages/find and
 * messages/get-file know the message afterwards.
 */

/** The slot (API field name) each hook is posted to. */
export const SLOT_OF_HOOK: Record<string, string> = {
	onReceived: 'webhookMessage',
	onSender: 'webhookMessage',
	onAck: 'webhookMessage',
	IncomingCall: 'webhookIncomingCall',
	onStateChanged: 'webhookStateChanged',
	onQrcode: 'webhookQrcode',
	onLiveLocation: 'webhookLiveLocation',
	onParticipantsChanged: 'webhookParticipantsChanged',
	onAddedToGroup: 'webhookAddedToGroup',
};

const CONTACT = '5521988248085@c.us';
const GROUP = '120363012345678901@g.us';
const nowSeconds = () => Math.floor(Date.now() / 1000);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** The test's payload over the default, object by object. */
export function merge(base: Json, over: Json): Json {
	const result: Json = { ...base };
	for (const [key, value] of Object.entries(over)) {
		result[key] = isObject(value) && isObject(base[key]) ? merge(base[key], value) : value;
	}
	return result;
}

/** A message hook's body, after recording what happened to the message in the account. */
function messageHook(state: SandboxState, hook: string, payload: Json, instance: Row): Json {
	const given = isObject(payload.message) ? payload.message : {};
	const chatWid = String(
		(isObject(payload.chat) ? payload.chat.chat_wid : undefined) ?? given.chat_wid ?? CONTACT,
	);
	let row: Row;
	if (hook === 'onReceived') {
		const { access_token: _ignored, ...fields } = given;
		row = receiveMessage(state, chatWid, {
			message_body: 'Olá! Vocês abrem no sábado?',
			...fields,
		});
	} else {
		// onSender / onAck are about a message the account sent: the one named, else the latest.
		const sent = state.messages.filter((m) => m.source === 'in' && m.chat_wid === chatWid);
		row =
			byToken(state.messages, given.access_token) ??
			sent[sent.length - 1] ??
			receiveMessage(state, chatWid, {
				message_body: 'Sim, das 9h às 13h.',
				source: 'in',
				shipping_status: 'queued',
				message_ack: 0,
				contact_wid: instance.phone_wid,
			});
		const { access_token: _ignored, ...fields } = given;
		Object.assign(row, {
			message_wid: row.message_wid || `true_${chatWid}_3EB0${nowSeconds()}`,
			shipping_status: 'sent',
			shipping_attempts: Math.max(1, Number(row.shipping_attempts) || 0),
			shipping_msg: 'Mensagem entregue ao WebService de envio.',
			message_ack: hook === 'onAck' ? 3 : Math.max(1, Number(row.message_ack) || 0),
			message_ack_timestamp: String(nowSeconds()),
			...fields,
		});
	}
	const { message: _message, chat: _chat, ...rest } = payload;
	const chat = chatSummary(chatOf(state, String(row.chat_wid))!);
	// A test may play a CRONCRM that posts the chat without its service status.
	if (isObject(payload.chat) && payload.chat.customer_service_status_id === null) {
		delete chat.customer_service_status_id;
	}
	return { hook, ...rest, chat, message: messageView(row) };
}

/** Plausible bodies for the other hooks, named as in the rest of the API (chat_wid...). */
function otherHook(state: SandboxState, hook: string, instance: Row): Json {
	const timestamp = nowSeconds();
	switch (hook) {
		case 'IncomingCall':
			return {
				hook,
				incoming_call_id: `CALL${timestamp}8A1F`,
				chat_wid: CONTACT,
				is_video: false,
				is_group: false,
				timestamp,
			};
		case 'onStateChanged':
			return { hook, state: state.connection.status, phone_wid: instance.phone_wid, timestamp };
		case 'onQrcode':
			return {
				hook,
				qrcode:
					'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
				attempts: 1,
				timestamp,
			};
		case 'onLiveLocation':
			return {
				hook,
				chat_wid: CONTACT,
				lat: -22.9068,
				lng: -43.1729,
				accuracy: 12,
				speed: 0,
				degrees: 0,
				sequence: 1,
				timestamp,
			};
		case 'onParticipantsChanged':
			return {
				hook,
				chat_wid: GROUP,
				action: 'add',
				participants: ['5521977776666@c.us'],
				by: CONTACT,
				timestamp,
			};
		default: // onAddedToGroup
			return {
				hook,
				chat_wid: GROUP,
				profile_name: 'Clientes VIP',
				author: CONTACT,
				participants: [CONTACT, instance.phone_wid],
				timestamp,
			};
	}
}

async function post(url: string, body: Json): Promise<{ status: number; response: unknown }> {
	try {
		const reply = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(15_000),
		});
		const text = await reply.text();
		let response: unknown = text;
		try {
			response = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { status: reply.status, response };
	} catch (error) {
		return { status: 0, response: (error as Error).message };
	}
}

export const hookControlRoutes: Record<string, ControlHandler> = {
	/**
	 * { enabled?: boolean (default true) }: from now until the next reset, instances/change leaves a
	 * slot unchanged when given '' (as auth/login's description says of its webhook fields).
	 */
	'POST /instances/empty-means-unchanged': (sandbox, body): HandlerResult => {
		const enabled = body.enabled !== false;
		setEmptyMeansUnchanged(sandbox.state, enabled);
		return { body: { success: true, emptyMeansUnchanged: enabled } };
	},
	/**
	 * Plays one CRONCRM event: { instance: access_token or name, hook, payload? } posts the hook's
	 * body (payload merged over a realistic default) to the URL in the matching slot.
	 */
	'POST /hooks/fire': async (sandbox, body): Promise<HandlerResult> => {
		const { state } = sandbox;
		const instance = instanceOf(state.instances, body.instance);
		if (!instance) return fail(404, `No sandbox instance "${String(body.instance)}"`);
		const hook = String(body.hook ?? '');
		const slot = SLOT_OF_HOOK[hook];
		if (!slot) return unknownHook(hook);
		const url = String((instance.webhooks as Json)[SLOT_FIELDS[slot]] ?? '');
		if (url === '') {
			return fail(409, `Slot ${slot} of instance "${String(instance.name)}" is empty`);
		}
		const delivery = await deliver(sandbox, instance, hook, body.payload);
		return { status: delivery.status === 0 ? 502 : 200, body: delivery };
	},
	/**
	 * Plays a contact typing in bursts: { instance, chat_wid?, texts: string[], gapsMs?: number |
	 * number[] } fires onReceived once per text, waiting the gap (default 500 ms) before each next
	 * one. Each message is stored before its event is posted, as CRONCRM stores it, so that
	 * messages/find lists it. Answers once all are delivered, with each delivery.
	 */
	'POST /hooks/burst': async (sandbox, body): Promise<HandlerResult> => {
		const instance = instanceOf(sandbox.state.instances, body.instance);
		if (!instance) return fail(404, `No sandbox instance "${String(body.instance)}"`);
		const texts = Array.isArray(body.texts) ? body.texts.map(String) : [];
		if (texts.length === 0) return fail(422, 'texts: give the messages of the burst');
		const gaps = Array.isArray(body.gapsMs) ? body.gapsMs.map(Number) : [];
		const gapOf = (index: number) =>
			Math.max(0, gaps[index] ?? (typeof body.gapsMs === 'number' ? body.gapsMs : 500));
		const chatWid = String(body.chat_wid ?? CONTACT);
		const deliveries = [];
		for (const [index, text] of texts.entries()) {
			if (index > 0) await new Promise((resolve) => setTimeout(resolve, gapOf(index - 1)));
			deliveries.push(
				await deliver(sandbox, instance, 'onReceived', {
					chat: { chat_wid: chatWid },
					message: { message_body: text },
				}),
			);
		}
		return { body: { success: true, deliveries } };
	},
	/**
	 * Plays CRONCRM posting an event again (as it does when an answer is late): the body of the
	 * last delivery, or of delivery { index }, goes again to the same URL.
	 */
	'POST /hooks/redeliver': async (sandbox, body): Promise<HandlerResult> => {
		const { hookDeliveries } = sandbox.state;
		const index = body.index === undefined ? hookDeliveries.length - 1 : Number(body.index);
		const original = hookDeliveries[index];
		if (!original) return fail(404, `No delivery ${index} to post again`);
		const { status, response } = await post(original.url, original.body as Json);
		hookDeliveries.push({ ...original, status, at: Date.now() });
		return { body: { success: status !== 0, status, response } };
	},
	/**
	 * { instance, hook, payload?, urlPrefix }: fires the hook as soon as an instances/change puts
	 * a URL starting with urlPrefix into its slot, as early as CRONCRM itself could. The delivery
	 * is recorded in state.hookDeliveries.
	 */
	'POST /hooks/fire-when-registered': (sandbox, body): HandlerResult => {
		const hook = String(body.hook ?? '');
		if (!SLOT_OF_HOOK[hook]) return unknownHook(hook);
		if (!instanceOf(sandbox.state.instances, body.instance)) {
			return fail(404, `No sandbox instance "${String(body.instance)}"`);
		}
		const list = armed.get(sandbox) ?? [];
		list.push({
			instance: String(body.instance),
			hook,
			payload: body.payload,
			urlPrefix: String(body.urlPrefix ?? ''),
		});
		armed.set(sandbox, list);
		return { body: { success: true, armed: list.length } };
	},
};

function unknownHook(hook: string): HandlerResult {
	return fail(422, `Unknown hook "${hook}": one of ${Object.keys(SLOT_OF_HOOK).join(', ')}`);
}

/** Posts one hook's body to the URL in its slot and records the delivery. */
async function deliver(sandbox: Sandbox, instance: Row, hook: string, given: unknown) {
	const { state } = sandbox;
	const slot = SLOT_OF_HOOK[hook];
	const url = String((instance.webhooks as Json)[SLOT_FIELDS[slot]] ?? '');
	const payload = isObject(given) ? given : {};
	const hookBody =
		slot === 'webhookMessage'
			? messageHook(state, hook, payload, instance)
			: merge(otherHook(state, hook, instance), payload);
	const { status, response } = await post(url, hookBody);
	state.hookDeliveries.push({ slot, hook, url, status, body: hookBody, at: Date.now() });
	const delivered = status >= 200 && status < 300;
	return { success: status !== 0, status, delivered, hook, slot, url, response };
}

interface ArmedFire {
	instance: string;
	hook: string;
	payload: unknown;
	urlPrefix: string;
}
const armed = new WeakMap<Sandbox, ArmedFire[]>();

/** Called after every write: fires the armed hooks whose slot now holds their URL. */
export function fireArmedHooks(sandbox: Sandbox): void {
	const list = armed.get(sandbox);
	if (!list?.length) return;
	for (const fire of [...list]) {
		const instance = instanceOf(sandbox.state.instances, fire.instance);
		if (!instance) continue;
		const url = String((instance.webhooks as Json)[SLOT_FIELDS[SLOT_OF_HOOK[fire.hook]]] ?? '');
		if (url === '' || !url.startsWith(fire.urlPrefix)) continue;
		list.splice(list.indexOf(fire), 1);
		void deliver(sandbox, instance, fire.hook, fire.payload);
	}
}
