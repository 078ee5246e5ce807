import type { FieldSpec } from '../../shared/fields';
import { accessToken, chatId, choice, locator, str } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';

/** The tag an operation acts on: picked from a searchable list, or given by access token. */
const tagPicker = locator('tag', 'access_token');

const tagDetails: FieldSpec[] = [
	str('description', 'Description', 'description'),
	{ name: 'color', displayName: 'Color', apiName: 'color', kind: 'color' },
];

/** Tags ("etiquetas") label chats in CRONCRM. */
export const tagResource: ResourceSpec = {
	value: 'tag',
	name: 'Tag',
	description: 'Labels ("etiquetas") that mark chats',
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a tag',
			description:
				'Create a tag ("etiqueta") to label chats. Needs the name; optionally a description and a #RRGGBB color. Returns the tag with its access_token (tags/create).',
			method: 'POST',
			path: '/tags/create',
			fields: [str('name', 'Name', 'name', { required: true })],
			optional: tagDetails,
		},
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many tags',
			description:
				'List tags made through the API or in CRONCRM, optionally by name or access_token. Returns one item per tag with its color and number of chats (tags/find).',
			method: 'GET',
			path: '/tags/find',
			// The collection's example answers with the tags under "lists".
			pagedRecords: 'lists',
			optional: [
				str('name', 'Name', 'name', {
					description: 'Tags whose name equals or resembles this',
				}),
				accessToken('Tag', {
					required: false,
					description: 'Return only the tag with this access_token',
				}),
			],
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a tag',
			description:
				'Change the name, description or color of a tag. Needs the tag. Returns the updated tag (tags/change).',
			method: 'PUT',
			path: '/tags/change',
			fields: [tagPicker],
			optional: [str('name', 'Name', 'name'), ...tagDetails],
		},
		{
			value: 'delete',
			name: 'Delete',
			action: 'Delete a tag',
			description:
				"Delete a tag; chats that had it lose it. Needs the tag. Returns CRONCRM's confirmation (tags/delete).",
			method: 'DELETE',
			path: '/tags/delete',
			fields: [tagPicker],
		},
		{
			value: 'addToChat',
			name: 'Add or Remove in Chat',
			action: 'Add or remove a tag in a chat',
			description:
				"Put a tag on a chat or take it off. Needs the tag, the chat and the action. Returns CRONCRM's confirmation (tags/add-remove-in-chat).",
			method: 'PUT',
			path: '/tags/add-remove-in-chat',
			fields: [
				tagPicker,
				chatId(),
				choice('action', 'Action', 'action', [
					['Add', 'add', 'Put the tag on the chat'],
					['Remove', 'del', 'Take the tag off the chat (the API says "del")'],
				]),
			],
		},
	],
};
