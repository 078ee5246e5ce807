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
export const WID = /^[0-9A-Za-z._:-]+@(c\.us|g\.us|lid)$/;

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
