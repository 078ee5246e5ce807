import { runCronCrm } from '../helpers/engine';
import { searchList } from '../helpers/loadOptions';
import { useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

/** Creates lists through the node, one input item per list, in a single run. */
async function createLists(count: number) {
	const result = await runCronCrm(sandbox.current, {
		parameters: { resource: 'contactList', operation: 'create', name: '={{ $json.name }}' },
		items: Array.from({ length: count }, (_, i) => ({
			name: `List ${String(i + 1).padStart(2, '0')}`,
		})),
	});
	expect(result.error).toBeUndefined();
	sandbox.current.requests.length = 0;
	return sandbox.current.state.lists.map((l) => l.access_token as string);
}

describe('Contact List (lists/*)', () => {
	it('Create: POST /lists/create with name and description', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contactList',
				operation: 'create',
				name: 'Newsletter',
				additionalFields: { description: 'Monthly news' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/lists/create',
			body: { name: 'Newsletter', description: 'Monthly news' },
			status: 201,
		});
		expect(result.items[0].json).toMatchObject({
			success: true,
			msg: 'Sua lista foi criada com sucesso.',
			list: { name: 'Newsletter', description: 'Monthly news' },
		});
		expect((result.items[0].json.list as { access_token: string }).access_token).toBe(
			sandbox.current.state.lists[0].access_token,
		);
	});

	it('Create: an empty name stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'contactList', operation: 'create', name: '  ' },
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Name: is required but empty (item 0)');
	});

	it('Get Many: Return All walks 3 pages of GET /lists/find', async () => {
		await createLists(45);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'contactList', operation: 'getMany', returnAll: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(45);
		expect(result.items[44].json).toMatchObject({ name: 'List 45', contacts: [] });
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/lists/find', { page: '1' }],
			['GET', '/lists/find', { page: '2' }],
			['GET', '/lists/find', { page: '3' }],
		]);
	});

	it('Get Many: Limit stops after the page that satisfies it', async () => {
		await createLists(45);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'contactList', operation: 'getMany', returnAll: false, limit: 21 },
		});
		expect(result.items).toHaveLength(21);
		expect(result.items[20].json.name).toBe('List 21');
		expect(result.requests.map((r) => r.query.page)).toEqual(['1', '2']);
	});

	it('Get Many: name and access_token filters go in the query', async () => {
		const tokens = await createLists(3);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contactList',
				operation: 'getMany',
				returnAll: true,
				filters: { name: 'List', accessToken: tokens[1] },
			},
		});
		expect(result.requests[0].query).toEqual({ name: 'List', access_token: tokens[1], page: '1' });
		expect(result.items.map((i) => i.json.name)).toEqual(['List 02']);
	});

	it('Update: PUT /lists/change with the list picked from the dropdown', async () => {
		const [token] = await createLists(1);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contactList',
				operation: 'update',
				list: { __rl: true, mode: 'list', value: token },
				additionalFields: { name: 'Renamed', description: 'New text' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'PUT',
			path: '/lists/change',
			body: { access_token: token, name: 'Renamed', description: 'New text' },
		});
		expect(result.items[0].json).toMatchObject({
			msg: 'Sua lista foi atualizada com sucesso.',
			list: { name: 'Renamed', access_token: token },
		});
	});

	it('Delete: DELETE /lists/delete removes the list and every contact in it', async () => {
		const [token, other] = await createLists(2);
		await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contact',
				operation: 'create',
				name: '={{ $json.name }}',
				phone: '={{ $json.phone }}',
				list: { __rl: true, mode: 'id', value: '={{ $json.list }}' },
			},
			items: [
				{ name: 'Ana', phone: '5521988248085', list: token },
				{ name: 'Bia', phone: '5521977776666', list: other },
			],
		});
		expect(sandbox.current.state.contacts).toHaveLength(2);
		sandbox.current.requests.length = 0;

		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contactList',
				operation: 'delete',
				list: { __rl: true, mode: 'id', value: token },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toEqual([
			expect.objectContaining({
				method: 'DELETE',
				path: '/lists/delete',
				body: { access_token: token },
			}),
		]);
		expect(result.items[0].json).toEqual({ success: true, msg: 'Lista removida com sucesso.' });
		expect(sandbox.current.state.lists.map((l) => l.access_token)).toEqual([other]);
		expect(sandbox.current.state.contacts.map((c) => c.name)).toEqual(['Bia']);
	});

	it('searchLists: names and tokens page by page, the next page number as token', async () => {
		const tokens = await createLists(25);
		const first = await searchList(sandbox.current, 'searchLists');
		expect(first.results).toHaveLength(20);
		expect(first.results[0]).toEqual({ name: 'List 01', value: tokens[0] });
		expect(first.paginationToken).toBe('2');
		const second = await searchList(sandbox.current, 'searchLists', { paginationToken: '2' });
		expect(second.results.map((r) => r.name)).toEqual([
			'List 21',
			'List 22',
			'List 23',
			'List 24',
			'List 25',
		]);
		expect(second.paginationToken).toBeUndefined();
		const filtered = await searchList(sandbox.current, 'searchLists', { filter: 'List 07' });
		expect(filtered.results).toEqual([{ name: 'List 07', value: tokens[6] }]);
		expect(sandbox.current.requests.map((r) => [r.path, r.query])).toEqual([
			['/lists/find', { page: '1' }],
			['/lists/find', { page: '2' }],
			['/lists/find', { page: '1', name: 'List 07' }],
		]);
	});
});
