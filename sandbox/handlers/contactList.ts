import type { RouteTable } from '../server';
import { newToken, page, phpDate, type Row } from '../state';
import { assignFields, byToken, byTokenOrName, notFound, ok, removeByToken } from './common';

/** A list as lists/change shows it; create leaves out "modified", find adds "contacts". */
function shown(list: Row, omit: string[] = []) {
	const { name, created, modified, description, access_token } = list;
	const row: Row = { name, created, modified, description, access_token };
	for (const key of omit) delete row[key];
	return row;
}

export const contactListRoutes: RouteTable = {
	'POST /lists/create': {
		required: ['name'],
		handle: ({ body, state }) => {
			const list = {
				name: body.name,
				created: phpDate(),
				modified: phpDate(),
				description: body.description ?? '',
				access_token: newToken(),
			};
			state.lists.push(list);
			return ok('Sua lista foi criada com sucesso.', { list: shown(list, ['modified']) }, 201);
		},
	},
	'GET /lists/find': {
		handle: ({ query, state }) => {
			// "With access_token the name is ignored."
			const lists = byTokenOrName(state.lists, query);
			const records = lists.map((list) => ({
				...shown(list, ['modified']),
				// The collection only shows empty arrays here; the sandbox lists the list's contacts.
				contacts: state.contacts
					.filter((c) => c.list_access_token === list.access_token)
					.map((c) => ({ name: c.name, phone: c.phone, access_token: c.access_token })),
			}));
			return { body: page(records, query.page, 'lists') };
		},
	},
	'PUT /lists/change': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const list = byToken(state.lists, body.access_token);
			if (!list) return notFound('Lista');
			assignFields(list, body, ['name', 'description']);
			return ok('Sua lista foi atualizada com sucesso.', { list: shown(list) });
		},
	},
	'DELETE /lists/delete': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const list = removeByToken(state, 'lists', body.access_token);
			if (!list) return notFound('Lista');
			// "Removing a list removes every contact linked to it."
			state.contacts = state.contacts.filter((c) => c.list_access_token !== list.access_token);
			return ok('Lista removida com sucesso.');
		},
	},
};
