import type { RouteTable } from '../server';
import { newToken, page, phpDate, resembles, type Row, type SandboxState } from '../state';
import {
	assignFields,
	byToken,
	fail,
	isInternationalNumber,
	notFound,
	ok,
	removeByToken,
	WID,
} from './common';

const VARIABLES = [
	'variable01',
	'variable02',
	'variable03',
	'variable04',
	'variable05',
	'variable06',
];
/** Fields change copies as sent; opt_out and the list have their own handling. */
const EDITABLE = ['name', 'phone', ...VARIABLES, 'description'];

/** A contact in the collection's shape: its list as { name, access_token }. */
function shown(state: SandboxState, contact: Row, withModified: boolean) {
	const { list_access_token: listToken, modified, ...rest } = contact;
	const list = byToken(state.lists, listToken);
	return {
		...rest,
		...(withModified ? { modified } : {}),
		list: { name: list?.name ?? '', access_token: listToken },
	};
}

function setOptOut(contact: Row, optOut: unknown) {
	if (optOut === undefined) return;
	contact.opt_out = optOut === true;
	// The collection shows this field only as a string ("" when not opted out), not a date object.
	contact.opt_out_datetime = optOut === true ? phpDate().date.slice(0, 19) : '';
}

/**
 * Digits, or a chat id: the create example sends an @c.us id, the change example bare digits.
 * Either way it must be a full international number.
 */
function phoneOk(phone: unknown): boolean {
	const text = String(phone);
	return text.endsWith('@c.us') ? WID.test(text) : isInternationalNumber(text);
}

/** CRONCRM keeps the digits: the create example's reply shows the phone without @c.us. */
function phoneDigits(phone: unknown): string {
	return String(phone).replace(/@c\.us$/, '');
}

export const contactRoutes: RouteTable = {
	'POST /contacts-croncrm/create': {
		required: ['name', 'phone', 'list_access_token'],
		handle: ({ body, state }) => {
			if (!byToken(state.lists, body.list_access_token)) return notFound('Lista');
			if (!phoneOk(body.phone))
				return fail(
					422,
					'Telefone inválido. (phone must be a full international number, digits or …@c.us)',
				);
			const contact: Row = {
				name: body.name,
				created: phpDate(),
				modified: phpDate(),
				phone: phoneDigits(body.phone),
				phone_wid: '',
				...Object.fromEntries(VARIABLES.map((v) => [v, body[v] ?? ''])),
				description: body.description ?? '',
				access_token: newToken(),
				// Unexplained in the collection; its examples always show 4.
				have_whatsapp: 4,
				opt_out: false,
				opt_out_datetime: '',
				list_access_token: body.list_access_token,
			};
			setOptOut(contact, body.opt_out);
			state.contacts.push(contact);
			return ok('Contato salvo com sucesso.', { contact: shown(state, contact, false) }, 201);
		},
	},
	'GET /contacts-croncrm/find': {
		handle: ({ query, state }) => {
			let contacts = state.contacts;
			if (query.access_token) {
				contacts = contacts.filter((c) => c.access_token === query.access_token);
			} else {
				// contact: "the number or name"; list: "the list's number, name or access_token".
				contacts = contacts.filter(
					(c) =>
						resembles(c.name, query.contact) || String(c.phone).includes(String(query.contact)),
				);
				if (query.list) {
					contacts = contacts.filter((c) => {
						const list = byToken(state.lists, c.list_access_token);
						return c.list_access_token === query.list || resembles(list?.name, query.list);
					});
				}
			}
			return {
				body: page(
					contacts.map((c) => shown(state, c, true)),
					query.page,
					'contacts',
				),
			};
		},
	},
	'PUT /contacts-croncrm/change': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const contact = byToken(state.contacts, body.access_token);
			if (!contact) return notFound('Contato');
			if (body.phone !== undefined && !phoneOk(body.phone)) {
				return fail(
					422,
					'Telefone inválido. (phone must be a full international number, digits or …@c.us)',
				);
			}
			if (body.list_access_token !== undefined) {
				if (!byToken(state.lists, body.list_access_token)) return notFound('Lista');
				contact.list_access_token = body.list_access_token;
			}
			assignFields(contact, body, EDITABLE);
			if (body.phone !== undefined) contact.phone = phoneDigits(body.phone);
			setOptOut(contact, body.opt_out);
			return ok('Contato salvo com sucesso.', { contact: shown(state, contact, true) });
		},
	},
	'DELETE /contacts-croncrm/delete': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const contact = removeByToken(state, 'contacts', body.access_token);
			if (!contact) return notFound('Contato');
			return ok('Contato removido com sucesso.');
		},
	},
};
