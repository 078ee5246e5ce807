import type { RouteTable } from '../server';
import { chatOf, fail, WID } from './common';

/** The account's country, which have-whatsapp assumes for numbers written without one. */
const ACCOUNT_COUNTRY_CODE = '55';

/** A Brazilian mobile with and without its ninth digit: 55 21 9 8824-8085 ↔ 55 21 8824-8085. */
function ninthDigitVariants(digits: string): string[] {
	if (!digits.startsWith('55')) return [];
	if (digits.length === 13 && digits[4] === '9') return [digits.slice(0, 4) + digits.slice(5)];
	if (digits.length === 12 && /[6-9]/.test(digits[4]))
		return [`${digits.slice(0, 4)}9${digits.slice(4)}`];
	return [];
}

/**
 * The sandbox has no WhatsApp behind it: a number "has WhatsApp" when the account knows it, as
 * a contact of the WhatsApp app or as a chat. Anything else answers status 404, as CRONCRM does
 * for numbers without WhatsApp.
 */
export const toolRoutes: RouteTable = {
	'GET /tools/have-whatsapp': {
		required: ['phone'],
		handle: ({ query, state }) => {
			if (!/^\d{8,15}$/.test(query.phone)) {
				return fail(422, 'phone inválido: envie apenas números. (phone must be digits)');
			}
			// A Brazilian number without country code has 10 or 11 digits (area code + number).
			const typed = query.phone.length <= 11 ? ACCOUNT_COUNTRY_CODE + query.phone : query.phone;
			const isKnown = (wid: string) =>
				state.whatsappContacts.some((contact) => contact.wid === wid) ||
				state.chats.some((chat) => chat.chat_wid === wid);
			// WhatsApp knows some Brazilian mobiles by their number from before the ninth digit:
			// the answer is the id WhatsApp uses, whichever way the number was typed.
			const digits =
				[typed, ...ninthDigitVariants(typed)].find((d) => isKnown(`${d}@c.us`)) ?? typed;
			const wid = `${digits}@c.us`;
			const known = isKnown(wid);
			return {
				body: {
					success: true,
					msg: 'Consulta realizada com sucesso.',
					profile: {
						status: known ? 200 : 404,
						wid,
						wserver: 'c.us',
						wuser: digits,
						wbusiness: false,
						canReceiveMessage: known,
					},
				},
			};
		},
	},
	'GET /tools/get-profile-picture': {
		required: ['chat_wid'],
		handle: ({ query, state }) => {
			if (!WID.test(query.chat_wid)) return fail(422, 'chat_wid inválido. (invalid chat_wid)');
			const [user, server] = query.chat_wid.split('@');
			// The picture is the chat's profile_picture (chats/find shows it); none gives empty URLs.
			const url = (chatOf(state, query.chat_wid, false)?.profile_picture as string | null) ?? '';
			return {
				body: {
					success: true,
					msg: 'Consulta realizada com sucesso.',
					picture: {
						eurl: url,
						id: { server, user, _serialized: query.chat_wid },
						img: url,
						imgFull: url,
						tag: url ? String(url.length) : '',
					},
				},
			};
		},
	},
};
