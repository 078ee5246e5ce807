import type { RouteTable } from '../server';
import { page } from '../state';
import { chatOf, fail, ok, WID } from './common';

export const whatsappContactRoutes: RouteTable = {
	'GET /contacts-whatsapp-app/find': {
		handle: ({ query, state }) => {
			// "Groups in the chat list are returned too", in the contacts' shape.
			const groups = state.chats
				.filter((chat) => chat.is_group)
				.map((chat) => {
					const [wuser, wserver] = String(chat.chat_wid).split('@');
					return {
						wid: chat.chat_wid,
						wuser,
						wserver,
						name: chat.profile_name,
						is_business: false,
						is_enterprise: false,
						is_my_contact: false,
					};
				});
			return { body: page([...state.whatsappContacts, ...groups], query.page, 'contacts') };
		},
	},
	'GET /contacts-whatsapp-app/blocked': {
		// Bare WhatsApp ids, as in the collection's example.
		handle: ({ query, state }) => ({ body: page(state.blockedContacts, query.page, 'contacts') }),
	},
	'POST /contacts-whatsapp-app/block': {
		required: ['chat_wid', 'block'],
		handle: ({ body, state }) => {
			const wid = String(body.chat_wid);
			if (!WID.test(wid)) return fail(422, 'chat_wid inválido.');
			// "A chat with the contact must already exist."
			const chat = chatOf(state, wid, false);
			if (!chat) {
				return fail(
					404,
					'É necessário existir uma conversa iniciada com o contato. (no chat with this contact)',
				);
			}
			chat.blocked = body.block === true;
			state.blockedContacts = state.blockedContacts.filter((w) => w !== wid);
			if (body.block === true) {
				state.blockedContacts.push(wid);
				return ok('Contato bloqueado com sucesso.');
			}
			return ok('Contato desbloqueado com sucesso.');
		},
	},
};
