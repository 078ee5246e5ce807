import { accessToken, str } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';

/** Users ("usuários") of the CRONCRM account: the people who attend chats. */
export const userResource: ResourceSpec = {
	value: 'user',
	name: 'User',
	description: 'People with a login to the CRONCRM account ("usuários")',
	operations: [
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many users',
			description:
				'List the users of the CRONCRM account, optionally by name, email or access_token. Returns one item per user with their role (0 attendant, 1 administrator, 2 supervisor, 3 seller) and whether they are online (accounts/find).',
			method: 'GET',
			path: '/accounts/find',
			pagedRecords: 'accounts',
			optional: [
				str('name', 'Name', 'name', { description: 'Users whose name equals or resembles this' }),
				str('email', 'Email', 'email', {
					placeholder: 'name@email.com',
					description: 'Users whose email equals or resembles this',
				}),
				accessToken('User', {
					required: false,
					description: 'Return only the user with this access_token',
				}),
			],
		},
	],
};
