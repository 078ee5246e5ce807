import { accessToken, locator, str } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';

const description = () =>
	str('description', 'Description', 'description', { description: 'What the funnel is for' });

/** Sales funnels ("funis") that chats move through, step by step. */
export const funnelResource: ResourceSpec = {
	value: 'funnel',
	name: 'Funnel',
	description: 'Sales funnels ("funis") that chats are linked to',
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a funnel',
			description:
				'Create a sales funnel ("funil"); its steps are made in CRONCRM\'s interface. Needs the name; optionally a description. Returns the funnel with its access_token (funnels/create).',
			method: 'POST',
			path: '/funnels/create',
			fields: [str('name', 'Name', 'name', { required: true })],
			optional: [description()],
		},
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many funnels',
			description:
				'List sales funnels, optionally by name or access_token. Returns one item per funnel with its steps (funnels/find).',
			method: 'GET',
			path: '/funnels/find',
			pagedRecords: 'funnels',
			optional: [
				str('name', 'Name', 'name', {
					description: 'Funnels whose name equals or resembles this',
				}),
				// The collection says this returns "only one tag": a copy of the tags text; it is the funnel.
				accessToken('Funnel', {
					required: false,
					description: 'Return only the funnel with this access_token',
				}),
			],
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a funnel',
			description:
				'Rename a sales funnel or change its description. Needs the funnel. Returns the updated funnel, which CRONCRM puts under "tag" (funnels/change).',
			method: 'PUT',
			path: '/funnels/change',
			fields: [locator('funnel', 'access_token')],
			optional: [str('name', 'Name', 'name'), description()],
		},
	],
};
