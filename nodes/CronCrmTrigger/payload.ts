import type { IDataObject } from 'n8n-workflow';

import { MEDIA_TYPES } from '../CronCrm/shared/values';
import { MESSAGE_HOOKS } from './events';

/**
 * What CRONCRM posts to a webhook URL. The collection has no sample body: it only says that each
 * call carries the name of its hook. ASSUMED here, and only here, until confirmed against a live
 * account:
 * 1. the body is a JSON object and the hook name is in a top-level field (`hook`; `event` is
 *    accepted as well);
 * 2. message hooks (onReceived, onSender, onAck) carry the fields of the records messages/find
 *    returns: `{ chat: { chat_wid, ... }, message: { access_token, message_body, message_type,
 *    message_ack, message_timestamp, source, ... } }`; the same fields at the top level work too;
 * 3. other hooks carry the chat they are about in `chat_wid` (or `chat.chat_wid`), if any;
 * 4. IncomingCall carries the call's id, which chats/reject-incoming-call takes as
 *    `incoming_call_id` (the collection: "the call's id is always sent by the webhook"), in a
 *    field of that name; `call_id`, `id` and `call.id` are read as well.
 * Every other part of the trigger reads payloads through these functions.
 */

/** Top-level fields that may hold the hook name, in order of preference. */
export const HOOK_FIELDS = ['hook', 'event'];

export interface NormalizedEvent {
	event: string;
	chat_wid: string | null;
	text: string | null;
	message_type: string | null;
	ack: number | null;
	message_access_token: string | null;
	/** IncomingCall only: what Chat → Reject Incoming Call needs. */
	incoming_call_id: string | null;
	/** When it happened (the message's timestamp), else when it arrived, as an ISO date. */
	timestamp: string;
	/** Who the chat is, one way for every kind of id; null for events without a chat. */
	contact: ContactIdentity | null;
}

/**
 * One identity per contact. WhatsApp names a person by phone (…@c.us) or, more and more, by a
 * privacy id (…@lid, …@jid) that hides the number; a workflow keying records by phone needs to
 * know which one it got.
 */
export interface ContactIdentity {
	/** The chat's WhatsApp id, as CRONCRM sent it ("…@s.whatsapp.net" written as "…@c.us"). */
	chat_id: string;
	/** The phone number in digits, when the id is phone-based (…@c.us); else null. */
	phone: string | null;
	/** The privacy id (…@lid or …@jid), when WhatsApp hides the number; else null. */
	lid: string | null;
	is_group: boolean;
}

export function contactOf(chatWid: string | null): ContactIdentity | null {
	if (chatWid === null) return null;
	const at = chatWid.lastIndexOf('@');
	const user = at < 0 ? chatWid : chatWid.slice(0, at);
	const server = at < 0 ? '' : chatWid.slice(at + 1);
	const phoneBased = server === 'c.us' || server === 's.whatsapp.net';
	// Baileys-style ids may name a device after a colon: the person is the number before it.
	const digits = user.split(':')[0];
	const phone = phoneBased && /^\d{6,15}$/.test(digits) ? digits : null;
	return {
		chat_id: phone && server === 's.whatsapp.net' ? `${phone}@c.us` : chatWid,
		phone,
		lid: server === 'lid' || server === 'jid' ? chatWid : null,
		is_group: server === 'g.us',
	};
}

function objectAt(body: IDataObject, key: string): IDataObject | undefined {
	const value = body[key];
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** The message fields: under `message`, or at the top level. */
function messageOf(body: IDataObject): IDataObject {
	return objectAt(body, 'message') ?? body;
}

export function hookOf(body: IDataObject): string | undefined {
	for (const field of HOOK_FIELDS) {
		const value = text(body[field]);
		if (value) return value;
	}
	return undefined;
}

export function chatOf(body: IDataObject): string | null {
	return text(objectAt(body, 'chat')?.chat_wid) ?? text(body.chat_wid);
}

/** "1753299286.759418" (seconds, as messages/find writes them), seconds or milliseconds. */
export function toIsoDate(value: unknown, fallback: Date): string {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number === 'number' && Number.isFinite(number) && number > 0) {
		return new Date(number > 1e12 ? number : number * 1000).toISOString();
	}
	return fallback.toISOString();
}

export function normalize(
	body: IDataObject,
	hook: string,
	receivedAt = new Date(),
): NormalizedEvent {
	// Only message hooks have message fields; another hook's access_token is not a message's.
	const message = MESSAGE_HOOKS.has(hook) ? messageOf(body) : {};
	const ack = message.message_ack;
	const chatWid = chatOf(body);
	return {
		event: hook,
		chat_wid: chatWid,
		text: text(message.message_body),
		message_type: text(message.message_type),
		ack: ack === undefined || ack === null || ack === '' ? null : Number(ack),
		message_access_token: text(message.access_token),
		incoming_call_id: hook === 'IncomingCall' ? callIdOf(body) : null,
		timestamp: toIsoDate(message.message_timestamp ?? body.timestamp, receivedAt),
		contact: contactOf(chatWid),
	};
}

function callIdOf(body: IDataObject): string | null {
	for (const value of [body.incoming_call_id, body.call_id, body.id, objectAt(body, 'call')?.id]) {
		if (typeof value === 'number') return String(value);
		if (text(value)) return value as string;
	}
	return null;
}

/** Sent by this account (from the phone, CRONCRM or the API): CRONCRM's source "in". */
export function isOwnMessage(body: IDataObject): boolean {
	const message = messageOf(body);
	return message.source === 'in' || message.fromMe === true;
}

export function hasMedia(event: NormalizedEvent): boolean {
	return (
		event.message_access_token !== null &&
		event.message_type !== null &&
		MEDIA_TYPES.has(event.message_type)
	);
}
