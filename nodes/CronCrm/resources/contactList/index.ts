import { accessToken, locator, str } from '../../shared/fields';
import type { FieldSpec } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';

const contactList = (): FieldSpec => locator('list', 'access_token');
const description = () =>
	str('description', 'Description', 'description', { description: 'What the list is for' });

/** Contact lists ("listas de contatos"): spreadsheet-like groups of CRONCRM contacts. */
export const contactListResource: ResourceSpec = {
	value: 'contactList',
	name: 'Contact List',
	description:
		'Lists ("listas de contatos") that organize CRONCRM contacts for bulk sends and the webchat',
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a contact list',
			description:
				'Create a contact list, for broadcasts or to keep contacts for the webchat. Needs the name; optionally a description. Returns the list with its access_token (lists/create).',
			method: 'POST',
			path: '/lists/create',
			fields: [str('name', 'Name', 'name', { required: true })],
			optional: [description()],
		},
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many contact lists',
			description:
				'List contact lists, optionally by name or access_token. Returns one item per list (lists/find).',
			method: 'GET',
			path: '/lists/find',
			pagedRecords: 'lists',
			optional: [
				str('name', 'Name', 'name', { description: 'Lists whose name equals or resembles this' }),
				accessToken('Contact List', {
					required: false,
					description: 'Return only the list with this access_token (the name is then ignored)',
				}),
			],
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a contact list',
			description:
				'Rename a contact list or change its description. Needs the list. Returns the updated list (lists/change).',
			method: 'PUT',
			path: '/lists/change',
			fields: [contactList()],
			optional: [str('name', 'Name', 'name'), description()],
		},
		{
			value: 'delete',
			name: 'Delete',
			action: 'Delete a contact list',
			description:
				"Delete a contact list together with every contact in it. Needs the list. Returns CRONCRM's confirmation (lists/delete).",
			method: 'DELETE',
			path: '/lists/delete',
			fields: [contactList()],
		},
	],
};
