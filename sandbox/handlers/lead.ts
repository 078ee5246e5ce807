import type { RouteTable } from '../server';
import { newToken, page, phpDate, resembles, type Row, type SandboxState } from '../state';
import { assignFields, byToken, fail, notFound, ok, removeByToken, WID, YMD } from './common';

/** The lead fields in the order of the collection's replies (chat_wid and the user aside). */
const FIELDS = [
	'full_name',
	'cpf',
	'birthdate',
	'phone',
	'email',
	'phone1',
	'phone2',
	'email1',
	'email2',
	'social_name',
	'cnpj',
	'business_email',
	'observations',
	'cep',
	'address',
	'number',
	'neighborhood',
	'completion',
	'city_ibge',
];

function invalid(body: Record<string, unknown>, state: SandboxState) {
	if (body.birthdate !== undefined && !YMD.test(String(body.birthdate))) {
		return fail(422, 'Data de nascimento inválida. (birthdate must be Y-m-d)');
	}
	if (body.chat_wid !== undefined && !WID.test(String(body.chat_wid))) {
		return fail(422, 'chat_wid inválido.');
	}
	if (
		body.account_access_token !== undefined &&
		!byToken(state.accounts, body.account_access_token)
	) {
		return notFound('Usuário');
	}
	return undefined;
}

/** create and change leave out the links; find shows them as "accounts" and "chats". */
function shown(lead: Row, state?: SandboxState) {
	const { full_name, created, modified, access_token } = lead;
	const row: Row = { full_name, created, modified };
	for (const field of FIELDS.slice(1)) row[field] = lead[field];
	row.access_token = access_token;
	if (state) {
		// The collection only shows empty arrays; the sandbox lists the linked user and chat.
		const account = byToken(state.accounts, lead.account_access_token);
		row.accounts = account
			? [{ name: account.name, email: account.email, access_token: account.access_token }]
			: [];
		row.chats = lead.chat_wid ? [{ chat_wid: lead.chat_wid }] : [];
	}
	return row;
}

function createdDay(lead: Row): string {
	return String((lead.created as { date: string }).date).slice(0, 10);
}

export const leadRoutes: RouteTable = {
	'POST /leads/create': {
		required: ['full_name'],
		handle: ({ body, state }) => {
			const problem = invalid(body, state);
			if (problem) return problem;
			const lead: Row = { created: phpDate(), modified: phpDate(), access_token: newToken() };
			for (const field of FIELDS) lead[field] = body[field] ?? '';
			lead.birthdate = body.birthdate ?? null;
			lead.chat_wid = body.chat_wid ?? '';
			lead.account_access_token = body.account_access_token ?? '';
			state.leads.push(lead);
			// The collection's example answers 200 here.
			return ok('Seu cliente foi criado com sucesso.', { lead: shown(lead) });
		},
	},
	'GET /leads/find': {
		handle: ({ query, state }) => {
			for (const date of ['date_from', 'date_to']) {
				if (query[date] && !YMD.test(query[date])) {
					return fail(422, `Data inválida em ${date}. (${date} must be Y-m-d)`);
				}
			}
			let leads = state.leads;
			if (query.access_token) {
				leads = leads.filter((l) => l.access_token === query.access_token);
			} else {
				leads = leads.filter(
					(l) =>
						resembles(l.full_name, query.name) &&
						resembles(l.email, query.email) &&
						(!query.cpf_cnpj || l.cpf === query.cpf_cnpj || l.cnpj === query.cpf_cnpj) &&
						(!query.phone || [l.phone, l.phone1, l.phone2].includes(query.phone)) &&
						(!query.chat_wid || l.chat_wid === query.chat_wid) &&
						(!query.date_from || createdDay(l) >= query.date_from) &&
						(!query.date_to || createdDay(l) <= query.date_to),
				);
			}
			return {
				body: page(
					leads.map((l) => shown(l, state)),
					query.page,
					'leads',
				),
			};
		},
	},
	'PUT /leads/change': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const lead = byToken(state.leads, body.access_token);
			if (!lead) return notFound('Cliente');
			const problem = invalid(body, state);
			if (problem) return problem;
			assignFields(lead, body, [...FIELDS, 'chat_wid', 'account_access_token']);
			return ok('Seu cliente foi alterado com sucesso.', { lead: shown(lead) });
		},
	},
	'DELETE /leads/delete': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const lead = removeByToken(state, 'leads', body.access_token);
			if (!lead) return notFound('Cliente');
			return ok('Cliente removido com sucesso.');
		},
	},
};
