import type { HandlerResult } from '../server';
import { phpDate, resembles, type Row, type SandboxState } from '../state';

/** CRONCRM's failure shape: success false and a message (Portuguese, with English beside it). */
export function fail(status: number, msg: string): HandlerResult {
	return { status, body: { success: false, msg } };
}

export function notFound(what: string): HandlerResult {
	return fail(404, `${what} não encontrado(a). (${what} not found)`);
}

export function ok(msg: string, extra: Record<string, unknown> = {}, status = 200): HandlerResult {
	return { status, body: { success: true, msg, ...extra } };
}

export function byToken(rows: Row[], token: unknown): Row | undefined {
	return rows.find((row) => row.access_token === token);
}

/** CRONCRM's finds: an access_token returns that one record, else names are matched loosely. */
export function byTokenOrName(rows: Row[], query: Record<string, string>): Row[] {
	return query.access_token
		? rows.filter((row) => row.access_token === query.access_token)
		: rows.filter((row) => resembles(row.name, query.name));
}

type RowCollection = {
	[K in keyof SandboxState]: SandboxState[K] extends Row[] ? K : never;
}[keyof SandboxState];

/** Removes the record with this access_token from a collection; returns it, or undefined. */
export function removeByToken(
	state: SandboxState,
	collection: RowCollection,
	token: unknown,
): Row | undefined {
	const row = byToken(state[collection], token);
	if (row) (state[collection] as Row[]) = state[collection].filter((other) => other !== row);
	return row;
}

/** Copies the given fields onto a row, skipping those the request left out. */
export function assignFields(row: Row, body: Record<string, unknown>, fields: string[]): Row {
	for (const field of fields) {
		if (body[field] !== undefined) row[field] = body[field];
	}
	row.modified = phpDate();
	return row;
}

export const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;
export const YMD = /^\d{4}-\d{2}-\d{2}$/;
/** WhatsApp ids: a number (c.us), a group (g.us), Meta's private ids for a person (lid, jid). */
const WID_SHAPE = /^[0-9A-Za-z._:-]+@(c\.us|g\.us|lid|jid)$/;

/**
 * Whether digits read as a full international number: country code, area code and number.
 * The sandbox's account is Brazilian, so a Brazilian number has 12 or 13 digits with its 55,
 * and 10 or 11 digits are a national number missing its country code, which is how a wrong id
 * such as 21988248085@c.us is caught (North American numbers, 1 and 10 digits, are let through).
 */
export function isInternationalNumber(digits: string): boolean {
	if (!/^\d+$/.test(digits)) return false;
	if (digits.startsWith('55')) return digits.length === 12 || digits.length === 13;
	if (digits.length === 11) return digits.startsWith('1');
	return digits.length >= 12 && digits.length <= 15;
}

/**
 * A chat id CRONCRM can send to. A number's id (…@c.us) must be a full international number:
 * the sandbox answers 422 to anything else, as a real account would fail to reach it.
 */
export const WID = {
	test(value: string): boolean {
		if (!WID_SHAPE.test(value)) return false;
		const [user, server] = value.split('@');
		return server !== 'c.us' || isInternationalNumber(user);
	},
};

/** The chat of a WhatsApp id, created on first use as CRONCRM does when a conversation starts. */
export function chatOf(state: SandboxState, wid: string, create = true): Row | undefined {
	let chat = state.chats.find((c) => c.chat_wid === wid);
	if (!chat && create) {
		chat = {
			created: phpDate(),
			modified: phpDate(),
			access_token: `chat-${state.chats.length + 1}-${wid.split('@')[0]}`,
			chat_wid: wid,
			is_group: wid.endsWith('@g.us'),
			is_archive: false,
			profile_name: '',
			blocked: false,
			customer_service_status_id: 4,
			tags: [] as string[],
			funnel_step_access_token: null,
		};
		state.chats.push(chat);
	}
	return chat;
}
