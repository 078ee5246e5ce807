import { ENDPOINTS_BY_ROUTE } from '../contract';
import type { HandlerResult, Route, RouteTable } from '../server';
import { newToken, page, phpDate, type Row, type SandboxState } from '../state';
import { byToken, chatOf, fail, notFound, ok, WID } from './common';
import { chatSummary, messageView } from './message';

/**
 * Groups live in `state.groups` as the chat records groups/find shows, plus `participants` and
 * `admins`: the WhatsApp ids of the other members (the connected number's own membership is
 * `group_out` and `group_you_it_is_admin`). The API never shows those two lists in groups/find.
 */

const example = (route: string, key: string) =>
	(ENDPOINTS_BY_ROUTE.get(route)!.exampleResponse[key] ?? {}) as Row;
/** Every field of a group as groups/find's example shows it; rows fill in their own. */
const GROUP_SHAPE = (example('GET /groups/find', 'groups') as unknown as Row[])[0] ?? {};
/** Every field of a sent message as send-mentions' example shows it. */
const MESSAGE_SHAPE = example('POST /groups/send-mentions', 'message');

const SETTINGS = ['announce', 'restrict', 'ephemeral_duration'];
const ZERO_OR_ONE = Object.fromEntries(SETTINGS.map((s) => [s, ['0', '1']]));
/** What groups/change answers for each field it changed. */
const CHANGED: Record<string, string> = {
	name: 'Nome do grupo alterado com sucesso.',
	description: 'Descrição do grupo alterada com sucesso.',
	announce: 'Permissão de envio de mensagens alterada com sucesso.',
	restrict: 'Permissão de edição do grupo alterada com sucesso.',
	ephemeral_duration: 'Mensagens temporárias alteradas com sucesso.',
	profile_picture: 'Foto do grupo alterada com sucesso.',
};
const INVITE_LINK = /^https:\/\/chat\.whatsapp\.com\/[A-Za-z0-9]+$/;
const PERSON_SHAPE = /^[0-9]+@(c\.us|lid|jid)$/;
/** A person's id: c.us (a full international number), lid or jid. */
const PERSON = { test: (wid: string) => PERSON_SHAPE.test(wid) && WID.test(wid) };

function groupView(row: Row): Row {
	const view: Row = { ...GROUP_SHAPE, ...row };
	delete view.participants;
	delete view.admins;
	return view;
}

const widParts = (wid: string) => {
	const [wuser, wserver] = wid.split('@');
	return { wid, wuser, wserver };
};

const listOf = (group: Row, key: 'participants' | 'admins') => (group[key] as string[]) ?? [];

interface Lookup {
	group?: Row;
	error?: HandlerResult;
}

/**
 * The group a request names. `member`: the connected number must be in it; `admin`: an admin
 * of it, as the collection's descriptions say.
 */
function groupOf(state: SandboxState, wid: unknown, need: 'any' | 'member' | 'admin'): Lookup {
	if (!WID.test(String(wid)) || !String(wid).endsWith('@g.us')) {
		return { error: fail(422, 'chat_wid inválido: informe o id do grupo. (invalid group id)') };
	}
	const group = state.groups.find((g) => g.chat_wid === wid);
	if (!group) return { error: notFound('Grupo') };
	if (need !== 'any' && group.group_out === true) {
		return { error: fail(403, 'Você não faz parte deste grupo. (not a member of this group)') };
	}
	if (need === 'admin' && group.group_you_it_is_admin === false) {
		return { error: fail(403, 'Você precisa ser administrador do grupo. (admins only)') };
	}
	return { group };
}

function newGroup(state: SandboxState, fields: Row): Row {
	const wid = `120363${String(402377961382 + state.groups.length)}@g.us`;
	const group: Row = {
		created: phpDate(),
		modified: phpDate(),
		access_token: newToken(),
		chat_wid: wid,
		is_group: true,
		is_archive: false,
		profile_name: '',
		profile_picture: null,
		group_description: '',
		group_created_in: phpDate(),
		group_link_invite: null,
		group_announce: false,
		group_restrict: false,
		group_ephemeral_duration: false,
		group_out: false,
		group_you_it_is_admin: true,
		customer_service_status_id: 4,
		participants: [],
		admins: [],
		...fields,
	};
	state.groups.push(group);
	return group;
}

/** add-remove-participant and promote-demote-admins: an admin acts on one participant. */
function participantRoute(
	types: [string, string],
	act: (type: string, group: Row, wid: string) => HandlerResult,
): Route {
	return {
		required: ['chat_wid', 'contact_wid', 'type'],
		enums: { type: types },
		handle: ({ body, state }) => {
			const { group, error } = groupOf(state, body.chat_wid, 'admin');
			if (!group) return error!;
			const wid = String(body.contact_wid);
			if (!PERSON.test(wid)) return fail(422, 'contact_wid inválido. (invalid contact_wid)');
			return act(String(body.type), group, wid);
		},
	};
}

const inviteLinkRule = { required: ['invite_link'] };

function badInviteLink(link: unknown): HandlerResult | undefined {
	return INVITE_LINK.test(String(link))
		? undefined
		: fail(422, 'Link de convite inválido. (invalid invite link)');
}

/** A message sent in a group mentioning participants, stored as messages.ts stores messages. */
function sendMention(
	ctx: { body: Record<string, unknown>; headers: Record<string, string>; state: SandboxState },
	reply?: Row,
): HandlerResult {
	const { body, headers, state } = ctx;
	const { group, error } = groupOf(state, body.chat_wid, 'member');
	if (!group) return error!;
	const mentions = String(body.mentions).split(',');
	if (!mentions.every((m) => PERSON.test(m))) {
		return fail(422, 'mentions inválido: informe os participantes. (invalid mentions)');
	}
	const account = body.account_access_token;
	if (account !== undefined && account !== '' && !byToken(state.accounts, account)) {
		return notFound('Usuário');
	}
	// A user's token opens an API service record on the group's chat (status 5 = API).
	if (account) group.customer_service_status_id = 5;
	group.modified = phpDate();
	const now = headers.totransmit === 'true';
	const row: Row = {
		...MESSAGE_SHAPE,
		access_token: newToken(),
		contact_wid: group.chat_wid,
		message_wid: now ? `true_${String(group.chat_wid)}_${newToken().slice(4, 26)}` : '',
		message_body: body.message,
		message_mentioneds: body.mentions,
		message_reply: reply !== undefined,
		...(reply ? { message_reply_message: messageView(reply) } : {}),
		message_ack: now ? 1 : null,
		message_timestamp: (Date.now() / 1000).toFixed(6),
		shipping_status: now ? 'sent' : 'queued',
		shipping_attempts: now ? 1 : 0,
		shipping_msg: now ? 'Mensagem entregue ao WebService de envio.' : 'Na fila para entrega.',
		created: phpDate(),
		modified: phpDate(),
		chat_wid: group.chat_wid,
	};
	state.messages.push(row);
	return ok(
		'Mensagem salva com sucesso.',
		{
			chat: chatSummary({ customer_service_status_id: 4, ...group }),
			message: messageView(row),
		},
		201,
	);
}

export const groupRoutes: RouteTable = {
	'POST /groups/create': {
		required: ['name'],
		enums: ZERO_OR_ONE,
		handle: ({ body, state }) => {
			if (
				body.profile_picture !== undefined &&
				!/^https?:\/\//.test(String(body.profile_picture))
			) {
				return fail(422, 'profile_picture: envie uma url pública. (must be a public URL)');
			}
			// "participants: separated by ;" — a participant written otherwise fails to be added.
			const listed = String(body.participants ?? '')
				.split(';')
				.map((p) => p.trim())
				.filter((p) => p !== '');
			// WhatsApp refuses to add a contact the account blocked: the group is created without
			// them and the reply lists them under fail_add_participants.
			const added = listed.filter((p) => PERSON.test(p) && !state.blockedContacts.includes(p));
			const group = newGroup(state, {
				profile_name: body.name,
				profile_picture: body.profile_picture ?? null,
				group_description: body.description ?? '',
				group_announce: body.announce === '1',
				group_restrict: body.restrict === '1',
				group_ephemeral_duration: body.ephemeral_duration === '1',
				participants: added,
			});
			for (const wid of added) chatOf(state, wid);
			return ok(
				'Seu grupo foi criado com sucesso.',
				{
					group: {
						...widParts(String(group.chat_wid)),
						description: group.group_description,
						announce: group.group_announce,
						restrict: group.group_restrict,
						ephemeral_duration: group.group_ephemeral_duration,
						profile_picture: group.profile_picture,
						participants: added,
						fail_add_participants: listed.filter((p) => !added.includes(p)),
					},
				},
				201,
			);
		},
	},
	'GET /groups/find': {
		handle: ({ query, state }) => ({
			body: page(
				state.groups.filter((g) => g.group_out !== true).map(groupView),
				query.page,
				'groups',
			),
		}),
	},
	'GET /groups/get-members': {
		required: ['chat_wid'],
		handle: ({ query, state }) => {
			const { group, error } = groupOf(state, query.chat_wid, 'member');
			if (!group) return error!;
			const members = listOf(group, 'participants').map((wid) => ({
				...widParts(wid),
				name: String(chatOf(state, wid, false)?.profile_name ?? ''),
			}));
			return { body: page(members, query.page, 'participants') };
		},
	},
	'GET /groups/get-admins': {
		// The description calls the group group_id; the query (and the node) say chat_wid.
		required: ['chat_wid'],
		handle: ({ query, state }) => {
			const { group, error } = groupOf(state, query.chat_wid, 'member');
			if (!group) return error!;
			return { body: page(listOf(group, 'admins').map(widParts), query.page, 'admins') };
		},
	},
	'PUT /groups/change': {
		required: ['chat_wid'],
		enums: ZERO_OR_ONE,
		handle: ({ body, state }) => {
			const { group, error } = groupOf(state, body.chat_wid, 'member');
			if (!group) return error!;
			// With "restrict" on, only admins edit the group's data.
			const mayEdit = group.group_restrict !== true || group.group_you_it_is_admin !== false;
			// One result per field, null for those not asked for, as the collection's example shows.
			const result: Row = {};
			for (const [field, done] of Object.entries(CHANGED)) {
				const value = body[field];
				if (value === undefined) {
					result[field] = null;
				} else if (!mayEdit) {
					result[field] = { success: false, msg: 'Você precisa ser administrador do grupo.' };
				} else if (field === 'profile_picture' && !/^https?:\/\//.test(String(value))) {
					result[field] = { success: false, msg: 'Envie uma url pública. (must be a public URL)' };
				} else {
					const column =
						field === 'name'
							? 'profile_name'
							: field === 'profile_picture'
								? field
								: `group_${field}`;
					group[column] = SETTINGS.includes(field) ? value === '1' : value;
					result[field] = { success: true, msg: done };
				}
			}
			group.modified = phpDate();
			return ok('Verifique se os parâmetros solicitados tiveram sucesso.', { group: result });
		},
	},
	'POST /groups/join': {
		...inviteLinkRule,
		handle: ({ body, state }) => {
			const invalid = badInviteLink(body.invite_link);
			if (invalid) return invalid;
			const group =
				state.groups.find((g) => g.group_link_invite === body.invite_link) ??
				newGroup(state, {
					profile_name: 'Grupo',
					group_link_invite: body.invite_link,
					group_you_it_is_admin: false,
				});
			group.group_out = false;
			return ok('Você entrou no grupo com sucesso.', {
				group: widParts(String(group.chat_wid)),
			});
		},
	},
	'PUT /groups/leave': {
		required: ['chat_wid'],
		handle: ({ body, state }) => {
			const { group, error } = groupOf(state, body.chat_wid, 'member');
			if (!group) return error!;
			group.group_out = true;
			group.group_you_it_is_admin = false;
			return ok('Saída de grupo realizada com sucesso.');
		},
	},
	'GET /groups/get-invite-link': {
		required: ['chat_wid'],
		handle: ({ query, state }) => {
			const { group, error } = groupOf(state, query.chat_wid, 'admin');
			if (!group) return error!;
			group.group_link_invite ??= `https://chat.whatsapp.com/${newToken().slice(4, 26)}`;
			return ok('Consulta realizada com sucesso.', { link: group.group_link_invite });
		},
	},
	// The collection saves no example reply: this one gives the group's public data.
	'GET /groups/get-info-from-invite-link': {
		...inviteLinkRule,
		handle: ({ query, state }) => {
			const invalid = badInviteLink(query.invite_link);
			if (invalid) return invalid;
			const group = state.groups.find((g) => g.group_link_invite === query.invite_link);
			if (!group) return notFound('Grupo');
			return ok('Consulta realizada com sucesso.', {
				group: {
					...widParts(String(group.chat_wid)),
					name: group.profile_name,
					description: group.group_description ?? '',
					profile_picture: group.profile_picture ?? null,
					size: listOf(group, 'participants').length,
					created: group.group_created_in ?? group.created,
				},
			});
		},
	},
	'PUT /groups/add-remove-participant': participantRoute(['add', 'del'], (type, group, wid) => {
		const participants = listOf(group, 'participants');
		if (type === 'add') {
			if (participants.includes(wid)) return fail(409, 'Participante já está no grupo.');
			group.participants = [...participants, wid];
			return ok('Participante adicionado com sucesso.');
		}
		if (!participants.includes(wid)) return notFound('Participante');
		group.participants = participants.filter((p) => p !== wid);
		group.admins = listOf(group, 'admins').filter((p) => p !== wid);
		return ok('Participante removido com sucesso.');
	}),
	'PUT /groups/promote-demote-admins': participantRoute(
		['promote', 'demote'],
		(type, group, wid) => {
			if (!listOf(group, 'participants').includes(wid)) return notFound('Participante');
			const admins = listOf(group, 'admins').filter((p) => p !== wid);
			group.admins = type === 'promote' ? [...admins, wid] : admins;
			return ok(
				type === 'promote'
					? 'Participante promovido com sucesso.'
					: 'Participante despromovido com sucesso.',
			);
		},
	),
	'POST /groups/send-mentions': {
		required: ['message', 'mentions', 'chat_wid'],
		handle: (ctx) => sendMention(ctx),
	},
	'POST /groups/send-message-reply-with-mention': {
		required: ['message_reply_access_token', 'message', 'mentions', 'chat_wid'],
		handle: (ctx) => {
			const original = byToken(ctx.state.messages, ctx.body.message_reply_access_token);
			if (!original || original.chat_wid !== ctx.body.chat_wid) return notFound('Mensagem');
			return sendMention(ctx, original);
		},
	},
};
