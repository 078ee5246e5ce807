import type { IDataObject } from 'n8n-workflow';

import { MEDIA_TYPES } from '../../../shared/values';

/**
 * How a burst is read out of messages/find's records. Pure functions over the records, so that
 * every worker that runs an execution of the burst reaches the same answer from the same read.
 */

/** One message as the burst logic sees it. */
export interface ChatMessage {
	access_token: string;
	text: string | null;
	message_type: string;
	/** CRONCRM's source: "out" received from the contact, "in" sent by the account. */
	source: string;
	/** Milliseconds since 1970. */
	at: number;
	shipping_status?: string;
}

/** The message that started this execution, as the trigger described it. */
export interface TriggeringMessage {
	access_token: string;
	text: string | null;
	message_type: string;
	/** Milliseconds since 1970: the message's timestamp, else when the execution started. */
	at: number;
}

export type BurstReading =
	| { kind: 'newer'; newer: ChatMessage }
	| {
			kind: 'burst';
			messages: ChatMessage[];
			answering: ChatMessage | null;
			/** Whether messages/find listed the triggering message (else it was added from the trigger). */
			triggeringMessageFound: boolean;
	  };

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * CRONCRM's created dates are PHP DateTimes in São Paulo time ("2025-07-23 16:34:46.000000");
 * Brazil has had no daylight saving time since 2019, so São Paulo is UTC-3 throughout.
 */
function fromPhpDate(value: unknown): number | undefined {
	const date = (value as IDataObject | undefined)?.date;
	if (typeof date !== 'string') return undefined;
	const ms = Date.parse(`${date.slice(0, 23).replace(' ', 'T')}-03:00`);
	return Number.isNaN(ms) ? undefined : ms;
}

/** "1753299286.759418" (seconds, as messages/find writes them), seconds or milliseconds. */
export function toMs(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) return undefined;
	return number > 1e12 ? number : number * 1000;
}

/** A messages/find record (`{ chat, message }`, or the message alone) as a ChatMessage. */
export function chatMessageOf(record: IDataObject): ChatMessage | undefined {
	const message = (
		record.message && typeof record.message === 'object' ? record.message : record
	) as IDataObject;
	const token = text(message.access_token);
	const at = toMs(message.message_timestamp) ?? fromPhpDate(message.created);
	if (!token || at === undefined) return undefined;
	return {
		access_token: token,
		text: text(message.message_body) ?? text(message.message_caption),
		message_type: text(message.message_type) ?? 'chat',
		source: String(message.source ?? ''),
		at,
		shipping_status: text(message.shipping_status) ?? undefined,
	};
}

/** Time order; messages stamped the same instant are ordered by token, the same way everywhere. */
function compare(a: { at: number; access_token: string }, b: { at: number; access_token: string }) {
	return (
		a.at - b.at || (a.access_token < b.access_token ? -1 : a.access_token > b.access_token ? 1 : 0)
	);
}

const isReceived = (message: ChatMessage) => message.source === 'out';
/** A send CRONCRM cancelled never reached the contact: it is nothing they could be answering. */
const isSent = (message: ChatMessage) =>
	message.source === 'in' && message.shipping_status !== 'cancelled';

/**
 * What this execution should do, given every message of the chat since shortly before the
 * window: step aside when a newer received message exists (its own execution answers), else
 * the burst that ends with the triggering message. The burst is what the contact sent after
 * the last message sent to the chat, and no longer ago than `windowMs` before its last message.
 */
export function readBurst(
	read: ChatMessage[],
	triggering: TriggeringMessage,
	windowMs: number,
): BurstReading {
	const listed = read.find((message) => message.access_token === triggering.access_token);
	const last: ChatMessage = listed ?? { ...triggering, source: 'out' };
	const others = read.filter((message) => message.access_token !== last.access_token);

	const newer = others.filter((m) => isReceived(m) && compare(m, last) > 0).sort(compare);
	if (newer.length > 0) return { kind: 'newer', newer: newer[newer.length - 1] };

	const sentBefore = others.filter((m) => isSent(m) && m.at < last.at).sort(compare);
	const answering = sentBefore.length > 0 ? sentBefore[sentBefore.length - 1] : null;
	const startsAfter = Math.max(answering?.at ?? -Infinity, last.at - windowMs - 1);
	const messages = [
		...others.filter((m) => isReceived(m) && m.at > startsAfter && compare(m, last) < 0),
		last,
	].sort(compare);
	return { kind: 'burst', messages, answering, triggeringMessageFound: listed !== undefined };
}

/** A message on the operation's output. */
export function messageOutput(message: ChatMessage): IDataObject {
	return {
		access_token: message.access_token,
		text: message.text,
		message_type: message.message_type,
		is_media: MEDIA_TYPES.has(message.message_type),
		timestamp: new Date(message.at).toISOString(),
	};
}

/** What a message adds to the joined text: its text or caption, else its type in brackets. */
export function lineOf(message: ChatMessage): string {
	return message.text ?? `[${message.message_type}]`;
}
