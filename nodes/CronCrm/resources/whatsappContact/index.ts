import { chatId } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';

/** The address book of the WhatsApp app on the connected phone (not CRONCRM's own contacts). */
export const whatsappContactResource: ResourceSpec = {
	value: 'whatsappContact',
	name: 'WhatsApp Contact',
	description: "Contacts in the connected phone's WhatsApp app, and blocking",
	operations: [
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many WhatsApp contacts',
			description:
				"List the contacts of the connected phone's WhatsApp app, groups in the chat list included. Returns one item per contact with their WhatsApp ID, name and whether they are a business (contacts-whatsapp-app/find).",
			method: 'GET',
			path: '/contacts-whatsapp-app/find',
			pagedRecords: 'contacts',
		},
		{
			value: 'getBlocked',
			name: 'Get Blocked',
			action: 'Get blocked WhatsApp contacts',
			description:
				'List the contacts blocked on WhatsApp. Returns one item per contact with their WhatsApp ID as wid (contacts-whatsapp-app/blocked).',
			method: 'GET',
			path: '/contacts-whatsapp-app/blocked',
			// CRONCRM lists bare ids here; execute.ts outputs each as { wid }.
			pagedRecords: 'contacts',
		},
		{
			value: 'block',
			name: 'Block or Unblock',
			action: 'Block or unblock a WhatsApp contact',
			description:
				"Block or unblock a contact on WhatsApp; a chat with the contact must exist. Needs the contact and whether to block. Returns CRONCRM's confirmation (contacts-whatsapp-app/block).",
			method: 'POST',
			path: '/contacts-whatsapp-app/block',
			// The collection lists an apiKey header on this request only: it is the credential's
			// auth header, which every request of this node already carries.
			fields: [
				chatId({ displayName: 'Contact' }),
				{
					name: 'block',
					displayName: 'Block',
					apiName: 'block',
					kind: 'boolean',
					default: true,
					description: 'Whether to block the contact (on) or unblock it (off)',
				},
			],
		},
	],
};
