import { chatId } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';

/** Tools ("ferramentas"): checks on WhatsApp numbers that need no CRONCRM record. */
export const toolResource: ResourceSpec = {
	value: 'tool',
	name: 'Tool',
	description: 'Everyday checks ("ferramentas"), such as whether a number has WhatsApp',
	operations: [
		{
			value: 'checkWhatsapp',
			name: 'Check WhatsApp Number',
			action: 'Check whether a number has WhatsApp',
			description:
				'Check whether a phone number has WhatsApp. Needs the phone number with country code. Returns profile.status (200 has WhatsApp, 404 has not) and profile.wid, the chat ID to use (tools/have-whatsapp).',
			method: 'GET',
			path: '/tools/have-whatsapp',
			fields: [
				{
					name: 'phone',
					displayName: 'Phone',
					apiName: 'phone',
					kind: 'phone',
					required: true,
					description:
						"Phone number with country and area code. Without the country code, CRONCRM assumes the account's country.",
				},
			],
		},
		{
			value: 'getProfilePicture',
			name: 'Get Profile Picture',
			action: 'Get the profile picture of a contact',
			description:
				"Get a contact's WhatsApp profile picture, and optionally download it as binary data. Needs the chat. Returns the picture's URLs (tools/get-profile-picture).",
			method: 'GET',
			path: '/tools/get-profile-picture',
			fields: [chatId()],
			download: { urlPath: 'picture.imgFull' },
		},
	],
};
