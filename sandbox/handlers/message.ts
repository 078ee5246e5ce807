import { randomBytes } from 'crypto';

import type { HandlerContext, HandlerResult, Route, RouteTable } from '../server';
import { newToken, page, phpDate, type Row, type SandboxState } from '../state';
import { byToken, chatOf, fail, notFound, ok, WID, YMD } from './common';

/**
 * Messages live in `state.messages` as flat rows: the fields of the collection's `message`
 * object, plus `chat_wid` (the chat it belongs to) and `file_url` (where a media message's file
 * is). Replies show them as the collection does: `{ chat, message }` without those two.
 */

const SHIPPING_STATUSES = ['all', 'sent', 'failed', 'queued', 'cancelled', 'daily_limit', 'error'];
const MESSAGE_TYPES = [
	'chat',
	'document',
	'image',
	'location',
	'link',
	'ptt',
	'audio',
	'video',
	'sticker',
	'vcard',
	'multi_vcard',
];
const ACKS = ['0', '1', '2', '3', '4', '100', '-1'];
const STATUSES = ['sent', 'failed', 'queued', 'cancelled', 'daily_limit', 'error'];
/** The longest period messages/consumption covers (its reply's max_days). */
const MAX_DAYS = 180;

/** The chat as the message replies show it. */
export function chatSummary(chat: Row): Row {
	const { created, modified, access_token, chat_wid, customer_service_status_id } = chat;
	return { created, modified, access_token, chat_wid, customer_service_status_id };
}

/** A stored message as the API shows it. */
export function messageView(row: Row): Row {
	const view = { ...row };
	delete view.chat_wid;
	delete view.file_url;
	return view;
}

function record(state: SandboxState, row: Row) {
	return { chat: chatSummary(chatOf(state, String(row.chat_wid))!), message: messageView(row) };
}

/** The day (São Paulo time, Y-m-d) a message was created. */
function dayOf(row: Row): string {
	return String((row.created as { date: string }).date).slice(0, 10);
}

function newMessage(chatWid: string, fields: Row, sentNow: boolean): Row {
	return {
		access_token: newToken(),
		contact_wid: chatWid,
		message_wid: sentNow ? `true_${chatWid}_${randomBytes(11).toString('hex').toUpperCase()}` : '',
		message_body: null,
		message_mentioneds: null,
		message_forwarded: false,
		message_reply: false,
		message_type: 'chat',
		message_ack: sentNow ? 1 : 0,
		message_ack_timestamp: sentNow ? String(Math.floor(Date.now() / 1000)) : null,
		message_timestamp: (Date.now() / 1000).toFixed(6),
		source: 'in',
		shipping_status: sentNow ? 'sent' : 'queued',
		shipping_attempts: sentNow ? 1 : 0,
		shipping_msg: sentNow ? 'Mensagem entregue ao WebService de envio.' : 'Na fila para entrega.',
		created: phpDate(),
		modified: phpDate(),
		...fields,
		chat_wid: chatWid,
	};
}

/**
 * A message a contact sent to the account (source "out"): the API has no endpoint for it, so
 * tests and the dev seed use this to put received messages in the account.
 */
export function receiveMessage(state: SandboxState, chatWid: string, fields: Row = {}): Row {
	chatOf(state, chatWid);
	const row = newMessage(
		chatWid,
		{
			message_wid: `false_${chatWid}_${randomBytes(11).toString('hex').toUpperCase()}`,
			message_ack: 2,
			source: 'out',
			shipping_status: 'received',
			shipping_attempts: 0,
			shipping_msg: 'Mensagem recebida.',
			...fields,
		},
		false,
	);
	state.messages.push(row);
	return row;
}

type Build = (ctx: HandlerContext) => Row | HandlerResult;

function isResult(value: Row | HandlerResult): value is HandlerResult {
	return 'body' in value && Object.keys(value).every((k) => k === 'body' || k === 'status');
}

/**
 * A send endpoint: checks the chat and the user, builds the message, stores it queued (or sent
 * at once when the toTransmit header is "true"), and answers as the collection's examples do.
 */
function sendRoute(
	required: string[],
	build: Build,
	options: { existingChat?: boolean } = {},
): Route {
	return {
		required: ['chat_wid', ...required],
		handle: (ctx) => {
			const { body, state, headers } = ctx;
			// The sandbox's choice: without a WhatsApp session a send is refused, not queued, so a
			// campaign fails midway as users see it when the phone drops (the collection is silent).
			if (state.connection.status !== 'CONNECTED') {
				return fail(409, 'WhatsApp não está conectado. (WhatsApp is not connected)');
			}
			const wid = String(body.chat_wid);
			if (!WID.test(wid)) return fail(422, 'chat_wid inválido. (invalid chat_wid)');
			if (options.existingChat && !chatOf(state, wid, false)) {
				return fail(
					404,
					'Conversa não encontrada: só é permitido encaminhar para conversas existentes. (chat not found: forward only to existing chats)',
				);
			}
			const account = body.account_access_token;
			if (account !== undefined && account !== '' && !byToken(state.accounts, account)) {
				return notFound('Usuário');
			}
			const fields = build(ctx);
			if (isResult(fields)) return fields;
			const chat = chatOf(state, wid)!;
			// A user's token opens an API service record on the chat (status 5 = API).
			if (account) chat.customer_service_status_id = 5;
			chat.modified = phpDate();
			const row = newMessage(wid, fields, headers.totransmit === 'true');
			state.messages.push(row);
			const { connection } = state;
			if (connection.disconnectAfterSends !== undefined && --connection.disconnectAfterSends <= 0) {
				connection.status = 'DISCONNECTED';
				delete connection.disconnectAfterSends;
			}
			return ok(
				'Mensagem salva com sucesso.',
				{ chat: chatSummary(chat), message: messageView(row) },
				201,
			);
		},
	};
}

function media(messageType: string, withCaption: boolean): Route {
	return sendRoute(['url', 'filename', 'mime_type'], ({ body, sandbox }) => {
		const url = String(body.url);
		if (!/^https?:\/\/[^\s]+$/.test(url))
			return fail(422, 'url inválida. (url must be a public http(s) URL)');
		if (body.size !== undefined && !Number.isFinite(Number(body.size))) {
			return fail(422, 'size inválido. (size must be a number of KB)');
		}
		const token = newToken();
		return {
			access_token: token,
			message_type: messageType,
			message_caption: withCaption ? String(body.caption ?? '') : '',
			message_file_decrypt: `${sandbox.origin}/api/v1/messages/get-file/?access_token=${token}`,
			message_filename: body.filename,
			message_file_mimetype: body.mime_type,
			message_file_size: body.size === undefined ? '' : String(body.size),
			file_url: url,
		};
	});
}

function text(ctx: HandlerContext): Row {
	return { message_body: ctx.body.message };
}

/** The messages matching messages/find's filters (the query has passed the enum checks). */
function findMessages(state: SandboxState, query: Record<string, string>): Row[] {
	let rows = state.messages;
	if (query.chat_wid) rows = rows.filter((m) => m.chat_wid === query.chat_wid);
	// message_wid and access_token override every other filter but chat_wid.
	if (query.access_token) return rows.filter((m) => m.access_token === query.access_token);
	if (query.message_wid) return rows.filter((m) => m.message_wid === query.message_wid);
	const is = (field: string, value: string | undefined) =>
		value === undefined || value === 'all' ? () => true : (m: Row) => String(m[field]) === value;
	return rows
		.filter(is('source', query.source))
		.filter(is('shipping_status', query.shipping_status))
		.filter(is('message_type', query.message_type))
		.filter(is('message_ack', query.message_ack))
		.filter((m) => !query.date_start || dayOf(m) >= query.date_start)
		.filter((m) => !query.date_end || dayOf(m) <= query.date_end);
}

/** Rejects a query whose chat_wid or dates are malformed, as CRONCRM would. */
function badQuery(query: Record<string, string>): HandlerResult | undefined {
	if (query.chat_wid && !WID.test(query.chat_wid))
		return fail(422, 'chat_wid inválido. (invalid chat_wid)');
	for (const field of ['date_start', 'date_end']) {
		if (query[field] && !YMD.test(query[field])) {
			return fail(422, `${field} inválido, use o formato Y-m-d. (${field} must be Y-m-d)`);
		}
	}
	return undefined;
}

function counts(keys: string[]) {
	return Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;
}

/** messages/consumption's counters for a set of messages. */
function tally(rows: Row[]) {
	const summary = {
		total: rows.length,
		by_message_ack: counts(ACKS),
		by_status: counts(STATUSES),
		by_source: counts(['in', 'out']),
	};
	for (const m of rows) {
		const ack = String(m.message_ack);
		if (ack in summary.by_message_ack) summary.by_message_ack[ack]++;
		const status = String(m.shipping_status);
		if (status in summary.by_status) summary.by_status[status]++;
		summary.by_source[String(m.source)]++;
	}
	return summary;
}

function ymd(date: Date): string {
	return date.toISOString().slice(0, 10);
}

export const messageRoutes: RouteTable = {
	'GET /messages/find': {
		enums: {
			shipping_status: SHIPPING_STATUSES,
			source: ['all', 'in', 'out'],
			message_type: ['all', ...MESSAGE_TYPES],
			// 100 is "Envio cancelado" (send cancelled) in the collection's list of acks.
			message_ack: ['all', '-1', '0', '1', '2', '3', '4', '100'],
		},
		handle: ({ query, state }) => {
			const bad = badQuery(query);
			if (bad) return bad;
			const rows = findMessages(state, query).map((row) => record(state, row));
			return { body: page(rows, query.page, 'messages') };
		},
	},
	'GET /messages/consumption': {
		handle: ({ query, state }) => {
			const bad = badQuery(query);
			if (bad) return bad;
			// Without dates, CRONCRM counts the current month.
			const now = new Date();
			const start =
				query.date_start || ymd(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
			const end =
				query.date_end || ymd(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)));
			const days = Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000);
			if (days < 0)
				return fail(422, 'date_end anterior a date_start. (date_end is before date_start)');
			if (days > MAX_DAYS) {
				return fail(422, `Período máximo de ${MAX_DAYS} dias. (at most ${MAX_DAYS} days)`);
			}
			const rows = state.messages.filter(
				(m) =>
					(!query.chat_wid || m.chat_wid === query.chat_wid) &&
					dayOf(m) >= start &&
					dayOf(m) <= end,
			);
			const total = tally(rows);
			const byType = counts(MESSAGE_TYPES) as Record<string, unknown>;
			for (const type of MESSAGE_TYPES)
				byType[type] = tally(rows.filter((m) => m.message_type === type));
			return {
				body: {
					success: true,
					msg: 'Consulta realizada com sucesso.',
					date_start: start,
					date_end: end,
					max_days: MAX_DAYS,
					interval_days: days,
					total: {
						...total,
						by_message_type: Object.fromEntries(
							MESSAGE_TYPES.map((type) => [type, (byType[type] as { total: number }).total]),
						),
					},
					by_type: byType,
				},
			};
		},
	},
	'GET /messages/get-file': {
		required: ['access_token'],
		handle: ({ query, state }) => {
			const message = byToken(state.messages, query.access_token);
			if (!message) return notFound('Mensagem');
			if (!message.file_url)
				return fail(404, 'Esta mensagem não possui arquivo. (this message has no file)');
			return {
				body: {
					success: true,
					file_mimetype: message.message_file_mimetype,
					filename: message.message_filename,
					url: message.file_url,
				},
			};
		},
	},
	// The collection names the message access_token (template) and message_access_token
	// (description, saved example); the node sends both, and either one alone is accepted.
	'DELETE /messages/delete': {
		required: ['chat_wid'],
		handle: ({ body, state }) => {
			const token = body.message_access_token ?? body.access_token;
			if (token === undefined || token === '') {
				return fail(422, 'message_access_token é obrigatório. (message_access_token is required)');
			}
			if (body.access_token !== undefined && body.message_access_token !== undefined) {
				if (body.access_token !== body.message_access_token) {
					return fail(
						422,
						'access_token e message_access_token diferem. (the two spellings differ)',
					);
				}
			}
			const message = byToken(state.messages, token);
			if (!message || message.chat_wid !== body.chat_wid) return notFound('Mensagem');
			state.messages = state.messages.filter((m) => m !== message);
			if (message.shipping_status === 'queued') {
				return ok(
					'Mensagem removida da plataforma. (Essa mensagem não havia sido entregue ao WhatsApp até o momento da remoção).',
				);
			}
			return ok(
				message.source === 'in'
					? 'Mensagem apagada para todos. (deleted for you and the contact)'
					: 'Mensagem apagada apenas no seu dispositivo. (deleted on your side only)',
			);
		},
	},
	'POST /messages/send-message-text': sendRoute(['message'], text),
	'POST /messages/send-message-and-add-trigger-chatbot': sendRoute(['message'], (ctx) => {
		// The chatbot takes over (status 3) unless a person is already handling the chat.
		const chat = chatOf(ctx.state, String(ctx.body.chat_wid))!;
		if (![1, 2].includes(Number(chat.customer_service_status_id)))
			chat.customer_service_status_id = 3;
		return text(ctx);
	}),
	'POST /messages/send-contact-vcard': sendRoute(['contact_phone', 'contact_name'], ({ body }) => {
		if (!/^\d{8,15}$/.test(String(body.contact_phone))) {
			return fail(422, 'contact_phone inválido. (contact_phone must be digits)');
		}
		return {
			message_type: 'vcard',
			message_vcard: null,
			message_vcard_options: JSON.stringify({
				contact_phone: body.contact_phone,
				contact_name: body.contact_name,
			}),
		};
	}),
	'POST /messages/send-contact-vcard-list': sendRoute(['contact_list'], ({ body }) => {
		const phones = String(body.contact_list).split(',');
		if (!phones.every((phone) => /^\d{8,15}$/.test(phone))) {
			return fail(
				422,
				'contact_list inválido: números separados por vírgula. (comma-separated digits)',
			);
		}
		return {
			message_type: 'multi_vcard',
			message_vcard: null,
			message_vcard_options: JSON.stringify(phones.map((phone) => `${phone}@c.us`)),
		};
	}),
	// "Sends a location or an address": coordinates (both) or an address, or all three.
	'POST /messages/send-location': sendRoute([], ({ body }) => {
		const given = (field: string) => body[field] !== undefined && body[field] !== '';
		if (given('latitude') !== given('longitude')) {
			return fail(422, 'Envie latitude e longitude juntas. (latitude and longitude go together)');
		}
		if (!given('latitude') && !given('address')) {
			return fail(422, 'Envie latitude e longitude ou address. (send coordinates or an address)');
		}
		const latitude = Number(body.latitude ?? 0);
		const longitude = Number(body.longitude ?? 0);
		if (!Number.isFinite(latitude) || Math.abs(latitude) > 90) {
			return fail(422, 'latitude inválida. (latitude must be between -90 and 90)');
		}
		if (!Number.isFinite(longitude) || Math.abs(longitude) > 180) {
			return fail(422, 'longitude inválida. (longitude must be between -180 and 180)');
		}
		return {
			message_type: 'location',
			message_location: '',
			message_location_is_live: 0,
			message_location_loc: given('address') ? String(body.address) : '',
			message_location_comment: '',
			message_location_lat: given('latitude') ? String(body.latitude) : '',
			message_location_lng: given('longitude') ? String(body.longitude) : '',
		};
	}),
	'POST /messages/send-message-reply': sendRoute(
		['message', 'message_reply_access_token'],
		(ctx) => {
			const original = byToken(ctx.state.messages, ctx.body.message_reply_access_token);
			if (!original) return notFound('Mensagem');
			return { ...text(ctx), message_reply: true, message_reply_message: messageView(original) };
		},
	),
	'POST /messages/send-message-forward': sendRoute(
		['message_forward_access_token'],
		({ body, state }) => {
			const original = byToken(state.messages, body.message_forward_access_token);
			if (!original) return notFound('Mensagem');
			const copy = messageView(original);
			return {
				message_body: copy.message_body,
				message_type: copy.message_type,
				message_forwarded: true,
				message_forwarded_message: null,
				message_forwarded_score: 1,
				...(original.file_url
					? {
							message_caption: copy.message_caption,
							message_filename: copy.message_filename,
							message_file_mimetype: copy.message_file_mimetype,
							message_file_size: copy.message_file_size,
							file_url: original.file_url,
						}
					: {}),
			};
		},
		{ existingChat: true },
	),
	'POST /messages/send-message-file': media('document', true),
	'POST /messages/send-message-image': media('image', true),
	'POST /messages/send-message-video': media('video', true),
	'POST /messages/send-message-audio': media('audio', false),
};
