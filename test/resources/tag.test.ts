import { runCronCrm } from '../helpers/engine';
import { searchList } from '../helpers/loadOptions';
import { useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

async function createTags(count: number) {
	for (let i = 1; i <= count; i++) {
		await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'create',
				name: `Tag ${String(i).padStart(2, '0')}`,
			},
		});
	}
	sandbox.current.requests.length = 0;
}

describe('Tag (tags/*)', () => {
	it('Create: POST /tags/create with name, description and color', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'create',
				name: 'VIP',
				additionalFields: { description: 'Best customers', color: '#ff8800' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/tags/create',
			body: { name: 'VIP', description: 'Best customers', color: '#FF8800' },
		});
		expect(result.items[0].json).toMatchObject({
			success: true,
			tag: { name: 'VIP', color: '#FF8800' },
		});
		expect(sandbox.current.state.tags).toHaveLength(1);
	});

	it('Create: an empty optional field is not sent at all', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'create',
				name: 'VIP',
				additionalFields: { description: '' },
			},
		});
		expect(result.requests[0].body).toEqual({ name: 'VIP' });
	});

	it('Create: a color that is not #RRGGBB stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'create',
				name: 'VIP',
				additionalFields: { color: 'red' },
			},
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Color: expected a color as #RRGGBB (for example #28CC56), got "red" (item 0)',
		);
	});

	it('Get Many: Return All walks every page and outputs one item per tag', async () => {
		await createTags(45);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'tag', operation: 'getMany', returnAll: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(45);
		expect(result.items[44].json.name).toBe('Tag 45');
		expect(result.requests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
		expect(result.requests.every((r) => r.method === 'GET' && r.path === '/tags/find')).toBe(true);
	});

	it('Get Many: Limit stops fetching once enough records arrived', async () => {
		await createTags(45);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'tag', operation: 'getMany', returnAll: false, limit: 25 },
		});
		expect(result.items).toHaveLength(25);
		expect(result.requests).toHaveLength(2);
	});

	it('Get Many: the name filter goes in the query; empty filters are not sent', async () => {
		await createTags(3);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'getMany',
				returnAll: true,
				filters: { name: 'Tag 02', accessToken: '' },
			},
		});
		expect(result.requests[0].query).toEqual({ name: 'Tag 02', page: '1' });
		expect(result.items.map((i) => i.json.name)).toEqual(['Tag 02']);
	});

	it('Update: PUT /tags/change with the tag picked from the list', async () => {
		await createTags(1);
		const token = sandbox.current.state.tags[0].access_token as string;
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'update',
				tag: { __rl: true, mode: 'list', value: token },
				additionalFields: { name: 'Renamed', color: '#000000' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'PUT',
			path: '/tags/change',
			body: { access_token: token, name: 'Renamed', color: '#000000' },
		});
		expect(sandbox.current.state.tags[0].name).toBe('Renamed');
	});

	it('Delete: DELETE /tags/delete with the access token', async () => {
		await createTags(1);
		const token = sandbox.current.state.tags[0].access_token as string;
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'delete',
				tag: { __rl: true, mode: 'id', value: token },
			},
		});
		expect(result.requests[0]).toMatchObject({
			method: 'DELETE',
			path: '/tags/delete',
			body: { access_token: token },
		});
		expect(sandbox.current.state.tags).toHaveLength(0);
	});

	it('Add or Remove in Chat: a formatted phone number becomes a chat_wid', async () => {
		await createTags(1);
		const token = sandbox.current.state.tags[0].access_token as string;
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'addToChat',
				tag: { __rl: true, mode: 'id', value: token },
				chatId: '+55 (21) 98824-8085',
				action: 'add',
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'PUT',
			path: '/tags/add-remove-in-chat',
			body: { access_token: token, chat_wid: '5521988248085@c.us', action: 'add' },
		});
	});

	it('Tag dropdown (searchTags): 20 tags a page from tags/find, name filter sent to CRONCRM', async () => {
		await createTags(25);
		const tokens = sandbox.current.state.tags.map((t) => t.access_token as string);
		const first = await searchList(sandbox.current, 'searchTags');
		expect(first.results).toHaveLength(20);
		expect(first.results[0]).toEqual({ name: 'Tag 01', value: tokens[0] });
		expect(first.paginationToken).toBe('2');
		const second = await searchList(sandbox.current, 'searchTags', { paginationToken: '2' });
		expect(second.results.map((r) => r.name)).toEqual([
			'Tag 21',
			'Tag 22',
			'Tag 23',
			'Tag 24',
			'Tag 25',
		]);
		expect(second.paginationToken).toBeUndefined();
		const filtered = await searchList(sandbox.current, 'searchTags', { filter: 'Tag 07' });
		expect(filtered.results).toEqual([{ name: 'Tag 07', value: tokens[6] }]);
		expect(sandbox.current.requests.map((r) => [r.path, r.query])).toEqual([
			['/tags/find', { page: '1' }],
			['/tags/find', { page: '2' }],
			['/tags/find', { page: '1', name: 'Tag 07' }],
		]);
	});

	it('Tag dropdown: tags with the same name are told apart by color and the start of their access token', async () => {
		for (const color of ['#FF0000', '#00AA00']) {
			await runCronCrm(sandbox.current, {
				parameters: {
					resource: 'tag',
					operation: 'create',
					name: 'Hot lead',
					additionalFields: { color },
				},
			});
		}
		await runCronCrm(sandbox.current, {
			parameters: { resource: 'tag', operation: 'create', name: 'Cold lead' },
		});
		const [red, green] = sandbox.current.state.tags.map((t) => String(t.access_token));
		const { results } = await searchList(sandbox.current, 'searchTags');
		expect(results).toEqual([
			{ name: `Hot lead (#FF0000, ${red.slice(0, 8)}…)`, value: red },
			{ name: `Hot lead (#00AA00, ${green.slice(0, 8)}…)`, value: green },
			{ name: 'Cold lead', value: expect.any(String) },
		]);
	});
});
