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
				'Create a sales funnel. CRONCRM recommends setting funnels up in its interface, where their steps are made too (funnels/create).',
			method: 'POST',
			path: '/funnels/create',
			fields: [str('name', 'Name', 'name', { required: true })],
			optional: [description()],
		},
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many funnels',
			description: 'List funnels made through the API or in CRONCRM (funnels/find)',
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
				'Change the name or description of a funnel. CRONCRM answers with the funnel under "tag" (funnels/change).',
			method: 'PUT',
			path: '/funnels/change',
			fields: [locator('funnel', 'access_token')],
			optional: [str('name', 'Name', 'name'), description()],
		},
	],
};
