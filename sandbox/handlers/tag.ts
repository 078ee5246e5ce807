import type { RouteTable } from '../server';
import { newToken, page, phpDate } from '../state';
import {
	assignFields,
	byToken,
	byTokenOrName,
	chatOf,
	fail,
	HEX_COLOR,
	notFound,
	ok,
	removeByToken,
	WID,
} from './common';

export const tagRoutes: RouteTable = {
	'POST /tags/create': {
		required: ['name'],
		handle: ({ body, state }) => {
			if (body.color !== undefined && !HEX_COLOR.test(String(body.color))) {
				return fail(422, 'Cor inválida. (color must be #RRGGBB)');
			}
			const tag = {
				name: body.name,
				created: phpDate(),
				modified: phpDate(),
				description: body.description ?? '',
				color: body.color ?? '#000000',
				access_token: newToken(),
				chats: 0,
			};
			state.tags.push(tag);
			// As the collection's example: tags/find adds modified and chats, create does not.
			const { modified: _modified, chats: _chats, ...created } = tag;
			return ok('Sua etiqueta foi criada com sucesso.', { tag: created }, 201);
		},
	},
	'GET /tags/find': {
		handle: ({ query, state }) => {
			const tags = byTokenOrName(state.tags, query);
			// The real API answers with the tags under "lists" (see the collection's example).
			return { body: page(tags, query.page, 'lists') };
		},
	},
	'PUT /tags/change': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const tag = byToken(state.tags, body.access_token);
			if (!tag) return notFound('Etiqueta');
			if (body.color !== undefined && !HEX_COLOR.test(String(body.color))) {
				return fail(422, 'Cor inválida. (color must be #RRGGBB)');
			}
			assignFields(tag, body, ['name', 'description', 'color']);
			// As the collection's example: name, description, color and access_token only.
			const { name, description, color, access_token } = tag;
			return ok('Sua etiqueta foi alterada com sucesso.', {
				tag: { name, description, color, access_token },
			});
		},
	},
	'DELETE /tags/delete': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const tag = removeByToken(state, 'tags', body.access_token);
			if (!tag) return notFound('Etiqueta');
			for (const chat of state.chats) {
				chat.tags = ((chat.tags as string[]) ?? []).filter((t) => t !== tag.access_token);
			}
			return ok('Etiqueta removida com sucesso.');
		},
	},
	'PUT /tags/add-remove-in-chat': {
		required: ['access_token', 'chat_wid', 'action'],
		enums: { action: ['add', 'del'] },
		handle: ({ body, state }) => {
			const tag = byToken(state.tags, body.access_token);
			if (!tag) return notFound('Etiqueta');
			if (!WID.test(String(body.chat_wid))) return fail(422, 'chat_wid inválido.');
			const chat = chatOf(state, String(body.chat_wid))!;
			const tags = new Set((chat.tags as string[]) ?? []);
			if (body.action === 'add') tags.add(String(tag.access_token));
			else tags.delete(String(tag.access_token));
			chat.tags = [...tags];
			tag.chats = state.chats.filter((c) =>
				(c.tags as string[]).includes(String(tag.access_token)),
			).length;
			return ok(
				body.action === 'add'
					? 'Etiqueta vinculada com sucesso.'
					: 'Etiqueta desvinculada com sucesso.',
			);
		},
	},
};
