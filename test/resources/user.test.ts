import { runCronCrm } from '../helpers/engine';
import { searchList } from '../helpers/loadOptions';
import { useSandbox } from '../helpers/sandbox';
import { phpDate } from '../../sandbox/state';

const sandbox = useSandbox();

/** Users are made in CRONCRM's interface, never through the API: the test puts them in the state. */
function seedUsers(count: number, state = sandbox.current.state) {
	const tokens: string[] = [];
	for (let i = 1; i <= count; i++) {
		const n = String(i).padStart(2, '0');
		tokens.push(`user-token-${n}`);
		state.accounts.push({
			name: `User ${n}`,
			created: phpDate(),
			modified: phpDate(),
			email: `user${n}@example.com`,
			phone: '5521988248085',
			role: i % 4,
			online: i % 2 === 0,
			observations: null,
			access_token: `user-token-${n}`,
		});
	}
	return tokens;
}

describe('User (accounts/find)', () => {
	it('Get Many: Return All walks 3 pages of GET /accounts/find', async () => {
		seedUsers(47);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'user', operation: 'getMany', returnAll: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/accounts/find', { page: '1' }],
			['GET', '/accounts/find', { page: '2' }],
			['GET', '/accounts/find', { page: '3' }],
		]);
		expect(result.items).toHaveLength(47);
		expect(result.items[46].json).toMatchObject({
			name: 'User 47',
			email: 'user47@example.com',
			role: 3,
		});
	});

	it('Get Many: Limit 20 takes exactly one page', async () => {
		seedUsers(30);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'user', operation: 'getMany', returnAll: false, limit: 20 },
		});
		expect(result.items).toHaveLength(20);
		expect(result.requests).toHaveLength(1);
	});

	it('Get Many: name, email and access_token filters go in the query', async () => {
		seedUsers(12);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'user',
				operation: 'getMany',
				returnAll: true,
				filters: { name: 'User 1', email: 'user11@' },
			},
		});
		expect(result.requests[0].query).toEqual({ name: 'User 1', email: 'user11@', page: '1' });
		expect(result.items.map((i) => i.json.name)).toEqual(['User 11']);
		const byToken = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'user',
				operation: 'getMany',
				returnAll: true,
				filters: { accessToken: 'user-token-03' },
			},
		});
		expect(byToken.requests[0].query).toEqual({ access_token: 'user-token-03', page: '1' });
		expect(byToken.items.map((i) => i.json.email)).toEqual(['user03@example.com']);
	});

	it('searchUsers: "name (email)" with the access token as value, page by page', async () => {
		const tokens = seedUsers(23);
		const first = await searchList(sandbox.current, 'searchUsers');
		expect(first.results).toHaveLength(20);
		expect(first.results[0]).toEqual({ name: 'User 01 (user01@example.com)', value: tokens[0] });
		expect(first.paginationToken).toBe('2');
		const second = await searchList(sandbox.current, 'searchUsers', { paginationToken: '2' });
		expect(second.results.map((r) => r.value)).toEqual(tokens.slice(20));
		expect(second.paginationToken).toBeUndefined();
		const filtered = await searchList(sandbox.current, 'searchUsers', { filter: 'User 07' });
		expect(filtered).toEqual({
			results: [{ name: 'User 07 (user07@example.com)', value: tokens[6] }],
			paginationToken: undefined,
		});
		expect(sandbox.current.requests.map((r) => [r.path, r.query])).toEqual([
			['/accounts/find', { page: '1' }],
			['/accounts/find', { page: '2' }],
			['/accounts/find', { page: '1', name: 'User 07' }],
		]);
	});
});
