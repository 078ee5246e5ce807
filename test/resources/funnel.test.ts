import { runCronCrm } from '../helpers/engine';
import { searchList } from '../helpers/loadOptions';
import { useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

/** Creates funnels through the node, one input item per funnel, in a single run. */
async function createFunnels(count: number) {
	const result = await runCronCrm(sandbox.current, {
		parameters: { resource: 'funnel', operation: 'create', name: '={{ $json.name }}' },
		items: Array.from({ length: count }, (_, i) => ({
			name: `Funnel ${String(i + 1).padStart(2, '0')}`,
		})),
	});
	expect(result.error).toBeUndefined();
	sandbox.current.requests.length = 0;
	return sandbox.current.state.funnels.map((f) => f.access_token as string);
}

describe('Funnel (funnels/*)', () => {
	it('Create: POST /funnels/create with name and description', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'funnel',
				operation: 'create',
				name: 'Sales',
				additionalFields: { description: 'Inbound leads' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toEqual([
			expect.objectContaining({
				method: 'POST',
				path: '/funnels/create',
				body: { name: 'Sales', description: 'Inbound leads' },
				status: 200,
			}),
		]);
		expect(result.items[0].json).toMatchObject({
			success: true,
			msg: 'Funil criado com sucesso.',
			funnel: {
				name: 'Sales',
				description: 'Inbound leads',
				access_token: sandbox.current.state.funnels[0].access_token,
			},
		});
	});

	it('Get Many: Return All walks 3 pages of GET /funnels/find, with step and chat counts', async () => {
		const tokens = await createFunnels(42);
		sandbox.current.state.funnelSteps.push({
			name: 'Step',
			access_token: 'step-1',
			funnel_access_token: tokens[0],
		});
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'funnel', operation: 'getMany', returnAll: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/funnels/find', { page: '1' }],
			['GET', '/funnels/find', { page: '2' }],
			['GET', '/funnels/find', { page: '3' }],
		]);
		expect(result.items).toHaveLength(42);
		expect(result.items[0].json).toMatchObject({ name: 'Funnel 01', order: 1, steps: 1, chats: 0 });
		expect(result.items[41].json).toMatchObject({ name: 'Funnel 42', steps: 0 });
	});

	it('Get Many: Limit 30 stops after the second page', async () => {
		await createFunnels(45);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'funnel', operation: 'getMany', returnAll: false, limit: 30 },
		});
		expect(result.items).toHaveLength(30);
		expect(result.requests.map((r) => r.query.page)).toEqual(['1', '2']);
	});

	it('Get Many: name and access_token filters go in the query', async () => {
		const tokens = await createFunnels(3);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'funnel',
				operation: 'getMany',
				returnAll: true,
				filters: { name: 'Funnel 03' },
			},
		});
		expect(result.requests[0].query).toEqual({ name: 'Funnel 03', page: '1' });
		expect(result.items.map((i) => i.json.access_token)).toEqual([tokens[2]]);
		const byToken = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'funnel',
				operation: 'getMany',
				returnAll: true,
				filters: { accessToken: tokens[1] },
			},
		});
		expect(byToken.requests[0].query).toEqual({ access_token: tokens[1], page: '1' });
		expect(byToken.items.map((i) => i.json.name)).toEqual(['Funnel 02']);
	});

	it('Update: PUT /funnels/change; CRONCRM answers with the funnel under "tag"', async () => {
		const [token] = await createFunnels(1);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'funnel',
				operation: 'update',
				funnel: { __rl: true, mode: 'list', value: token },
				additionalFields: { name: 'Renamed' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'PUT',
			path: '/funnels/change',
			body: { access_token: token, name: 'Renamed' },
		});
		expect(result.items[0].json).toEqual({
			success: true,
			msg: 'Seu funil foi alterado com sucesso.',
			tag: { name: 'Renamed', description: '', access_token: token },
		});
	});

	it('Update: without the funnel nothing is sent', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'funnel',
				operation: 'update',
				funnel: { __rl: true, mode: 'id', value: '={{ $json.funnel }}' },
				additionalFields: { name: 'Renamed' },
			},
			items: [{ funnel: '' }],
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Funnel: is required but empty (item 0)');
	});

	it('searchFunnels: names and tokens page by page, the filter sent as name', async () => {
		const tokens = await createFunnels(21);
		const first = await searchList(sandbox.current, 'searchFunnels');
		expect(first.results).toHaveLength(20);
		expect(first.results[1]).toEqual({ name: 'Funnel 02', value: tokens[1] });
		expect(first.paginationToken).toBe('2');
		const second = await searchList(sandbox.current, 'searchFunnels', {
			paginationToken: first.paginationToken,
		});
		expect(second).toEqual({
			results: [{ name: 'Funnel 21', value: tokens[20] }],
			paginationToken: undefined,
		});
		const filtered = await searchList(sandbox.current, 'searchFunnels', { filter: 'Funnel 1' });
		expect(filtered.results.map((r) => r.name)).toEqual([
			'Funnel 10',
			'Funnel 11',
			'Funnel 12',
			'Funnel 13',
			'Funnel 14',
			'Funnel 15',
			'Funnel 16',
			'Funnel 17',
			'Funnel 18',
			'Funnel 19',
		]);
		expect(sandbox.current.requests.map((r) => [r.path, r.query])).toEqual([
			['/funnels/find', { page: '1' }],
			['/funnels/find', { page: '2' }],
			['/funnels/find', { page: '1', name: 'Funnel 1' }],
		]);
	});
});
