import type { RouteTable } from '../server';
import { page, resembles } from '../state';

/**
 * Users ("accounts") are made in CRONCRM's interface, not through the API: tests put them in
 * state.accounts. role: 0 attendant, 1 administrator, 2 supervisor, 3 seller.
 */
export const accountRoutes: RouteTable = {
	'GET /accounts/find': {
		handle: ({ query, state }) => {
			const accounts = query.access_token
				? state.accounts.filter((a) => a.access_token === query.access_token)
				: state.accounts.filter(
						(a) => resembles(a.name, query.name) && resembles(a.email, query.email),
					);
			return { body: page(accounts, query.page, 'accounts') };
		},
	},
};
