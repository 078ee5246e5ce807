import { accessToken, locator, str } from '../../shared/fields';
import type { FieldSpec } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';
import { digitsOnly } from '../../shared/upsert';

const name = (required = false) =>
	str('name', 'Name', 'name', { required, description: "The contact's name" });

const phone = (required = false): FieldSpec => ({
	name: 'phone',
	displayName: 'Phone',
	apiName: 'phone',
	kind: 'phone',
	required,
	// The collection's create example sends a chat id (…@c.us) as the phone.
	acceptsChatId: true,
	description:
		"The contact's phone number in any formatting (without a country code, the credentials' Default Country Code is added), or their chat ID ending in @c.us",
});

// CRONCRM stores the contact in a list; every reply shows the contact's list.
const contactList = (required = false) =>
	locator('list', 'list_access_token', {
		required,
		description: 'The contact list (list_access_token) the contact belongs to',
	});

/** variable01 … variable06: six free fields CRONCRM keeps for whatever the user wants. */
const variables: FieldSpec[] = Array.from({ length: 6 }, (_, index) => {
	const number = String(index + 1).padStart(2, '0');
	return str(`variable${number}`, `Variable ${number}`, `variable${number}`, {
		description: `Free field ${index + 1} of 6 (variable${number}), for any information you want to keep, e.g. to fill message templates`,
	});
});

/** Fields the contact has beside its name, phone and list; the same in Create and Update. */
const details: FieldSpec[] = [
	...variables,
	str('description', 'Description', 'description', {
		kind: 'text',
		description: 'Notes about the contact',
	}),
	{
		name: 'optOut',
		displayName: 'Opted Out',
		apiName: 'opt_out',
		kind: 'boolean',
		description: 'Whether the contact asked to stop receiving your messages (opt_out)',
	},
];

/** Contacts kept in CRONCRM's own lists ("contatos CRONCRM"), not the phone's address book. */
export const contactResource: ResourceSpec = {
	value: 'contact',
	name: 'CRONCRM Contact',
	description: "Contacts stored in CRONCRM's contact lists (not the phone's address book)",
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a contact',
			description:
				"Save a contact in one of CRONCRM's contact lists (for broadcasts). Needs the name, the phone number and the list; optionally six free variables, a description and opt-out. Returns the contact with its access_token (contacts-croncrm/create).",
			method: 'POST',
			path: '/contacts-croncrm/create',
			fields: [name(true), phone(true), contactList(true)],
			optional: details,
		},
		{
			value: 'createOrUpdate',
			name: 'Create or Update',
			action: 'Create or update a contact',
			description:
				'Update the contact with the same phone number in the same list, or save it when the list has none: an import run twice gives one contact per number. Needs the name, the phone number and the list. Returns the contact and upsertAction, created or updated (contacts-croncrm/find, then contacts-croncrm/change or contacts-croncrm/create).',
			method: 'POST',
			path: '/contacts-croncrm/create',
			fields: [name(true), phone(true), contactList(true)],
			optional: details,
			upsert: {
				record: 'contact',
				findPath: '/contacts-croncrm/find',
				records: 'contacts',
				updatePath: '/contacts-croncrm/change',
				keys: [
					{
						value: 'phone',
						name: 'Phone',
						fields: ['phone'],
						// contacts-croncrm/find's contact matches part of a number or name: compared again.
						query: 'contact',
						// A contact belongs to one list: the same number in another list is another contact.
						scope: [{ field: 'list_access_token', query: 'list', recordPath: 'list.access_token' }],
						recordFields: ['phone'],
						normalize: digitsOnly,
					},
				],
			},
		},
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many contacts',
			description:
				"Search the contacts saved in CRONCRM's lists, by number or name, list, or access_token. Returns one item per contact with their list and opt-out state (contacts-croncrm/find).",
			method: 'GET',
			path: '/contacts-croncrm/find',
			pagedRecords: 'contacts',
			optional: [
				str('contact', 'Contact', 'contact', {
					description: 'Contacts with this phone number or name',
				}),
				// CRONCRM matches the list's number, name or access_token; the dropdown sends the token.
				locator('list', 'list', {
					description: 'Only contacts of this list',
				}),
				accessToken('Contact', {
					required: false,
					description: 'Return only the contact with this access_token',
				}),
			],
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a contact',
			description:
				"Change a saved contact's details or move it to another list; only the fields given change. Needs the contact's access_token. Returns the updated contact (contacts-croncrm/change).",
			method: 'PUT',
			path: '/contacts-croncrm/change',
			fields: [accessToken('Contact')],
			optional: [name(), phone(), contactList(), ...details],
		},
		{
			value: 'delete',
			name: 'Delete',
			action: 'Delete a contact',
			description:
				"Remove a saved contact from CRONCRM. Needs the contact's access_token. Returns CRONCRM's confirmation (contacts-croncrm/delete).",
			method: 'DELETE',
			path: '/contacts-croncrm/delete',
			fields: [accessToken('Contact')],
		},
	],
};
