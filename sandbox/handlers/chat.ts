import { ENDPOINTS_BY_ROUTE } from '../contract';
import type { HandlerResult, Route, RouteTable } from '../server';
import { page, phpDate, type Row, type SandboxState } from '../state';
import { assignFields, byToken, chatOf, fail, notFound, ok, WID, YMD } from './common';

/**
 * Chats live in `state.chats` (made by chatOf in common.ts, also when a tag or a message first
 * touches a contact). Besides the collection's fields a row keeps `tags` (tag access tokens),
 * `funnel_step_access_token` and `evaluation_requested`, which the API never shows.
 */

/** Every field of a chat as the collection's example shows it; rows fill in their own. */
const CHAT_SHAPE = (ENDPOINTS_BY_ROUTE.get('POST /chats/create')!.exampleResponse.chat ??
	{}) as Row;
const HIDDEN = ['tags', 'funnel_step_access_token', 'evaluation_requested', 'profile_city_ibge'];

export const PROFILE_FIELDS = [
	'profile_name',
	'profile_cpf_cnpj',
	'profile_email',
	'profile_celular',
	'profile_phone',
	'profile_cep',
	'profile_address',
	'profile_number',
	'profile_neighborhood',
	'profile_complement',
	'profile_birthdate',
	'profile_city_ibge',
	'profile_observations',
];

/** A stored chat as the API shows it. */
export function chatView(row: Row): Row {
	const view: Row = { ...CHAT_SHAPE, ...row };
	for (const key of HIDDEN) delete view[key];
	return view;
}

/** The chat a request names, which must exist (these endpoints do not create chats). */
function existingChat(state: SandboxState, wid: unknown): { chat?: Row; error?: HandlerResult } {
	if (!WID.test(String(wid))) return { error: fail(422, 'chat_wid inválido. (invalid chat_wid)') };
	const chat = chatOf(state, String(wid), false);
	return chat ? { chat } : { error: notFound('Conversa') };
}

/** Checks the profile fields of create/change; answers the failure, or nothing. */
function badProfile(body: Record<string, unknown>): HandlerResult | undefined {
	const birthdate = body.profile_birthdate;
	if (birthdate !== undefined && birthdate !== '' && !YMD.test(String(birthdate))) {
		return fail(422, 'Data de nascimento inválida. (profile_birthdate must be Y-m-d)');
	}
	return undefined;
}

function applyProfile(chat: Row, body: Record<string, unknown>) {
	assignFields(chat, body, PROFILE_FIELDS);
	// The reply has no profile_city_ibge: CRONCRM keeps the city by its IBGE code as profile_city_id.
	if (body.profile_city_ibge !== undefined) chat.profile_city_id = Number(body.profile_city_ibge);
}

/**
 * chats/delete and chats/clear: platform_too "true" also acts on CRONCRM's copy; "false" acts
 * on the WhatsApp app only, so the sandbox (CRONCRM's side) keeps everything.
 */
function platformRoute(msg: string, act: (state: SandboxState, chat: Row) => void): Route {
	return {
		required: ['chat_wid', 'platform_too'],
		enums: { platform_too: ['true', 'false'] },
		handle: ({ body, state }) => {
			const { chat, error } = existingChat(state, body.chat_wid);
			if (!chat) return error!;
			if (body.platform_too === 'true') act(state, chat);
			return ok(msg);
		},
	};
}

export const chatRoutes: RouteTable = {
	'POST /chats/create': {
		required: ['chat_wid'],
		handle: ({ body, state }) => {
			if (!WID.test(String(body.chat_wid)))
				return fail(422, 'chat_wid inválido. (invalid chat_wid)');
			if (chatOf(state, String(body.chat_wid), false)) {
				return fail(409, 'Conversa já existente. (chat already exists)');
			}
			const invalid = badProfile(body);
			if (invalid) return invalid;
			const chat = chatOf(state, String(body.chat_wid))!;
			applyProfile(chat, body);
			return ok('Conversa salva com sucesso.', { chat: chatView(chat) }, 201);
		},
	},
	'GET /chats/find': {
		enums: { customer_service_status_id: ['1', '2', '3', '4', '5'] },
		handle: ({ query, state }) => {
			let chats = state.chats;
			if (query.chat_wid) {
				// "When chat_wid is given, the other parameters are ignored."
				chats = chats.filter((c) => c.chat_wid === query.chat_wid);
			} else {
				if (query.tag_access_token) {
					chats = chats.filter((c) =>
						((c.tags as string[]) ?? []).includes(query.tag_access_token),
					);
				}
				if (query.funnel_step_access_token) {
					chats = chats.filter(
						(c) => c.funnel_step_access_token === query.funnel_step_access_token,
					);
				}
				if (query.customer_service_status_id) {
					chats = chats.filter(
						(c) => String(c.customer_service_status_id) === query.customer_service_status_id,
					);
				}
			}
			return { body: page(chats.map(chatView), query.page, 'chats') };
		},
	},
	'PUT /chats/change': {
		required: ['chat_wid'],
		handle: ({ body, state }) => {
			const { chat, error } = existingChat(state, body.chat_wid);
			if (!chat) return error!;
			const invalid = badProfile(body);
			if (invalid) return invalid;
			const step = body.funnel_step_access_token;
			if (step !== undefined && step !== '') {
				if (!byToken(state.funnelSteps, step)) return notFound('Etapa do funil');
				chat.funnel_step_access_token = step;
				for (const row of state.funnelSteps) {
					row.chats = state.chats.filter(
						(c) => c.funnel_step_access_token === row.access_token,
					).length;
				}
			}
			applyProfile(chat, body);
			return ok('Conversa atualizada com sucesso.', { chat: chatView(chat) });
		},
	},
	'DELETE /chats/delete': platformRoute('Conversa removida com sucesso.', (state, chat) => {
		state.chats = state.chats.filter((c) => c !== chat);
		state.messages = state.messages.filter((m) => m.chat_wid !== chat.chat_wid);
	}),
	'PUT /chats/clear': platformRoute('Conversa limpa com sucesso.', (state, chat) => {
		state.messages = state.messages.filter((m) => m.chat_wid !== chat.chat_wid);
		for (const key of Object.keys(CHAT_SHAPE).filter((k) => k.startsWith('last_message_'))) {
			chat[key] = null;
		}
	}),
	'PUT /chats/archive': {
		required: ['chat_wid', 'archive'],
		handle: ({ body, state }) => {
			const { chat, error } = existingChat(state, body.chat_wid);
			if (!chat) return error!;
			chat.is_archive = body.archive;
			chat.modified = phpDate();
			return ok(
				body.archive ? 'Conversa arquivada com sucesso.' : 'Conversa desarquivada com sucesso.',
			);
		},
	},
	'POST /chats/reject-incoming-call': {
		required: ['incoming_call_id'],
		handle: () => ok('Ligação rejeitada com sucesso.'),
	},
	'POST /chats/set-waiting-human-care': {
		required: ['chat_wid'],
		handle: ({ body, state }) => {
			const { chat, error } = existingChat(state, body.chat_wid);
			if (!chat) return error!;
			chat.customer_service_status_id = 2;
			chat.customer_service_start = phpDate();
			chat.modified = phpDate();
			return ok('Conversa aguardando atendimento humano.', { customer_service_status_id: 2 });
		},
	},
	'POST /chats/finish-api': {
		required: ['chat_wid'],
		handle: ({ body, state }) => {
			const { chat, error } = existingChat(state, body.chat_wid);
			if (!chat) return error!;
			const account = body.account_access_token;
			if (account !== undefined && account !== '' && !byToken(state.accounts, account)) {
				return notFound('Usuário');
			}
			// The template spells the flag request_evaluation_if_available, the description and
			// the saved example requestEvaluationIfAvailable: either is accepted; both must agree.
			const spellings = [body.requestEvaluationIfAvailable, body.request_evaluation_if_available]
				.filter((value) => value !== undefined && value !== '')
				.map((value) => value === true || value === 'true');
			if (new Set(spellings).size > 1) {
				return fail(422, 'Os dois nomes do campo diferem. (the two spellings differ)');
			}
			chat.evaluation_requested = spellings[0] === true;
			chat.customer_service_status_id = 4;
			chat.customer_service_start = null;
			chat.modified = phpDate();
			return ok('Interação via API finalizado.');
		},
	},
};
