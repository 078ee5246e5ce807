import type { IDataObject, IExecutePaginationFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CronCrmRequest } from '../transport';
import { croncrmRequest } from '../transport';
import type { SameContent } from './operation';

/**
 * "Skip If Already Sent": before a send, read what the account sent to the chat lately
 * (messages/find, source=in: CRONCRM's word for sent) and skip the item when one of those
 * messages carries the same content. CRONCRM records every message it accepted, queued ones
 * included, so a retried or re-run execution finds what the first run sent: no state in n8n.
 */

/** Hours to look back by default: a campaign retried the same day is covered. */
export const DEFAULT_WINDOW_HOURS = 24;
/** CRONCRM keeps messages for months; a window past a year is a typo. */
export const MAX_WINDOW_HOURS = 24 * 366;

/** Shipping statuses of messages that went out or will: cancelled and failed ones do not count. */
const COUNTED_STATUSES = new Set(['queued', 'sent']);
/** WhatsApp acks of messages that never reached the contact: 100 cancelled, -1 failed. */
const UNSENT_ACKS = new Set(['100', '-1']);

/** The window in hours, or why it is not one. */
export function windowHoursOf(value: unknown): number | string {
	const hours = typeof value === 'number' ? value : Number(String(value ?? '').trim());
	if (String(value ?? '').trim() === '' || !Number.isFinite(hours) || hours <= 0) {
		return `expected a positive number of hours, got "${String(value ?? '')}"`;
	}
	if (hours > MAX_WINDOW_HOURS) return `expected at most ${MAX_WINDOW_HOURS} hours, got ${hours}`;
	return hours;
}

interface ChatLog {
	/** The messages/find records ({ chat, message }) sent to the chat within the window. */
	records: Promise<IDataObject[]>;
	/** Items to one chat check and send one after another, so an item sees what the one before sent. */
	queue: Promise<unknown>;
}

/** A property of the node's execution context that n8n never saves (it is not enumerable). */
const CACHE_KEY = 'croncrmSentLogs';

function logsOf(ctx: IExecutePaginationFunctions): Map<string, ChatLog> {
	const context = ctx.getContext('node') as Record<string, unknown>;
	let logs = context[CACHE_KEY] as Map<string, ChatLog> | undefined;
	if (!logs) {
		logs = new Map();
		Object.defineProperty(context, CACHE_KEY, { value: logs, enumerable: false });
	}
	return logs;
}

function ymd(date: Date): string {
	return date.toISOString().slice(0, 10);
}

/** Every sent message of the chat from the window's first day on, all pages. */
async function readSent(
	ctx: IExecutePaginationFunctions,
	chatWid: string,
	since: Date,
	itemIndex: number,
): Promise<IDataObject[]> {
	// messages/find filters by day (São Paulo time): a day earlier covers any time zone; the
	// exact cut is made on each message's timestamp.
	const dateStart = ymd(new Date(since.getTime() - 86_400_000));
	const records: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const reply = await croncrmRequest(
			ctx,
			{
				method: 'GET',
				url: '/messages/find',
				qs: { chat_wid: chatWid, source: 'in', date_start: dateStart, page },
			},
			itemIndex,
		);
		if (!Array.isArray(reply.messages)) {
			throw new Error(
				`its reply has no list of messages (it answered ${Object.keys(reply).join(', ')})`,
			);
		}
		records.push(...(reply.messages as IDataObject[]));
		const pages = Number(reply.pages);
		if (reply.messages.length === 0 || !Number.isFinite(pages) || page >= pages) break;
	}
	return records;
}

function counts(message: IDataObject, since: Date): boolean {
	const at = Number(message.message_timestamp) * 1000;
	return (
		String(message.source) === 'in' &&
		COUNTED_STATUSES.has(String(message.shipping_status)) &&
		!UNSENT_ACKS.has(String(message.message_ack)) &&
		(!Number.isFinite(at) || at >= since.getTime())
	);
}

function ago(message: IDataObject, now: number): string {
	const minutes = Math.max(
		0,
		Math.round((now - Number(message.message_timestamp) * 1000) / 60_000),
	);
	if (!Number.isFinite(minutes)) return 'earlier';
	if (minutes < 120) return `${minutes} min ago`;
	return `${Math.round(minutes / 60)} h ago`;
}

/**
 * Sends the request unless the chat already got the same content within the window; then the
 * item is the earlier message's record with `skipped: true`. A read that fails sends nothing.
 */
export async function sendUnlessAlreadySent(
	ctx: IExecutePaginationFunctions,
	sameContent: SameContent,
	request: CronCrmRequest,
	itemIndex: number,
): Promise<IDataObject> {
	const body = request.body ?? {};
	const chatWid = String(body.chat_wid);
	const hours = windowHoursOf(ctx.getNodeParameter('skipWindowHours', DEFAULT_WINDOW_HOURS));
	if (typeof hours === 'string') throw new Error(hours); // prepareRequest already refused it
	const now = Date.now();
	const since = new Date(now - hours * 3_600_000);

	const logs = logsOf(ctx);
	let log = logs.get(chatWid);
	if (!log) {
		log = { records: readSent(ctx, chatWid, since, itemIndex), queue: Promise.resolve() };
		logs.set(chatWid, log);
	}
	const chatLog = log;
	const turn = chatLog.queue.then(async () => {
		let records: IDataObject[];
		try {
			records = await chatLog.records;
		} catch (error) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Skip If Already Sent: could not read what was sent to ${chatWid}, so nothing was sent: ${(error as Error).message} (item ${itemIndex})`,
				{
					itemIndex,
					description:
						'CRONCRM did not answer messages/find. If it cannot check, the node does not send. Run the item again later.',
				},
			);
		}
		const earlier = records.find((record) => {
			const message = (record.message ?? {}) as IDataObject;
			return counts(message, since) && sameContent(body, message);
		});
		if (earlier) {
			const message = earlier.message as IDataObject;
			return {
				success: true,
				skipped: true,
				skipReason: `Already sent to this chat ${ago(message, now)} (shipping status ${String(message.shipping_status)}); not sent again`,
				chat: earlier.chat,
				message,
			} as IDataObject;
		}
		const reply = await croncrmRequest(ctx, request, itemIndex);
		// The next item to this chat in this execution sees this send too.
		if (reply.message && typeof reply.message === 'object') {
			records.push({ chat: reply.chat, message: reply.message });
		}
		return reply;
	});
	// The next item waits for this one, whatever its outcome.
	chatLog.queue = turn.catch(() => undefined);
	return await turn;
}

const text = (value: unknown) =>
	value === undefined || value === null ? '' : String(value).trim();

/** Text sends: the same text. */
export const sameText: SameContent = (request, message) =>
	text(message.message_body) !== '' && text(message.message_body) === text(request.message);

/**
 * Media sends: CRONCRM keeps its own copy of the file and not the URL it fetched, so the same
 * file is the same type, file name and caption.
 */
export function sameFile(messageType: string): SameContent {
	return (request, message) =>
		text(message.message_type) === messageType &&
		text(message.message_filename) === text(request.filename) &&
		text(message.message_caption) === text(request.caption);
}

const close = (a: unknown, b: unknown) =>
	text(a) !== '' && text(b) !== '' && Math.abs(Number(a) - Number(b)) < 1e-6;

/** Locations: the same coordinates, or (sent without them) the same address. */
export const sameLocation: SameContent = (request, message) => {
	if (text(message.message_type) !== 'location') return false;
	if (request.latitude !== undefined) {
		return (
			close(message.message_location_lat, request.latitude) &&
			close(message.message_location_lng, request.longitude)
		);
	}
	return text(message.message_location_loc) === text(request.address);
};

function phonesIn(value: unknown): string {
	const found = text(typeof value === 'string' ? value : JSON.stringify(value ?? '')).match(
		/\d{8,15}/g,
	);
	return [...new Set(found ?? [])].sort().join(',');
}

/** Contact cards: the same phone numbers, as CRONCRM lists them in the card's options. */
export function sameContacts(requestField: string): SameContent {
	return (request, message) => {
		const wanted = phonesIn(request[requestField]);
		return (
			['vcard', 'multi_vcard'].includes(text(message.message_type)) &&
			wanted !== '' &&
			phonesIn(message.message_vcard_options) === wanted
		);
	};
}
