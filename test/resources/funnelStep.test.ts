import { runCronCrm } from '../helpers/engine';
import { searchList } from '../helpers/loadOptions';
import { useSandbox } from '../helpers/sandbox';
import { phpDate } from '../../sandbox/state';

const sandbox = useSandbox();

async function createFunnel(name: string) {
	await runCronCrm(sandbox.current, {
		parameters: { resource: 'funnel', operation: 'create', name },
	});
	sandbox.current.requests.length = 0;
	return sandbox.current.state.funnels.at(-1)!.access_token as string;
}

/** Steps are made in CRONCRM's interface, never through the API: the test puts them in the state. */
function seedSteps(funnel: string, count: number, prefix = 'Step') {
	const tokens: string[] = [];
	for (let i = 1; i <= count; i++) {
		const token = `${prefix.toLowerCase()}-${funnel.slice(0, 8)}-${i}`;
		tokens.push(token);
		sandbox.current.state.funnelSteps.push({
			name: `${prefix} ${String(i).padStart(2, '0')}`,
			created: phpDate(),
			modified: phpDate(),
			description: '',
			color: '#000000',
			access_token: token,
			type_action: { code: 0, name: 'Não executar ações' },
			chats: 0,
			funnel_access_token: funnel,
		});
	}
	return tokens;
}

describe('Funnel Step (funnels/steps/find)', () => {
	it('Get Many: GET /funnels/steps/find with the funnel, Return All over 3 pages', async () => {
		const funnel = await createFunnel('Sales');
		const other = await createFunnel('Support');
		seedSteps(funnel, 43);
		seedSteps(other, 2, 'Other');
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'funnelStep',
				operation: 'getMany',
				funnel: { __rl: true, mode: 'list', value: funnel },
				returnAll: true,
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/funnels/steps/find', { funnel_access_token: funnel, page: '1' }],
			['GET', '/funnels/steps/find', { funnel_access_token: funnel, page: '2' }],
			['GET', '/funnels/steps/find', { funnel_access_token: funnel, page: '3' }],
		]);
		expect(result.items).toHaveLength(43);
		expect(result.items[42].json).toMatchObject({
			name: 'Step 43',
			color: '#000000',
			type_action: { code: 0, name: 'Não executar ações' },
			chats: 0,
		});
		expect(result.items[0].json).not.toHaveProperty('funnel_access_token');
	});

	it('Get Many: Limit and the step access_token filter', async () => {
		const funnel = await createFunnel('Sales');
		const tokens = seedSteps(funnel, 25);
		const limited = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'funnelStep',
				operation: 'getMany',
				funnel: { __rl: true, mode: 'id', value: funnel },
				returnAll: false,
				limit: 2,
			},
		});
		expect(limited.items.map((i) => i.json.name)).toEqual(['Step 01', 'Step 02']);
		expect(limited.requests).toHaveLength(1);

		const one = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'funnelStep',
				operation: 'getMany',
				funnel: { __rl: true, mode: 'id', value: funnel },
				returnAll: true,
				filters: { accessToken: tokens[4] },
			},
		});
		expect(one.requests[0].query).toEqual({
			funnel_access_token: funnel,
			access_token: tokens[4],
			page: '1',
		});
		expect(one.items.map((i) => i.json.name)).toEqual(['Step 05']);
	});

	it('Get Many: without a funnel nothing is sent', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'funnelStep',
				operation: 'getMany',
				funnel: { __rl: true, mode: 'id', value: '={{ $json.funnel }}' },
				returnAll: true,
			},
			items: [{ funnel: ' ' }],
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Funnel: is required but empty (item 0)');
	});

	it('searchFunnelSteps: lists the steps of the funnel chosen beside it', async () => {
		const funnel = await createFunnel('Sales');
		const other = await createFunnel('Support');
		const tokens = seedSteps(funnel, 22);
		seedSteps(other, 3, 'Other');
		// As in Chat → Update, where the step dropdown sits next to a funnel field.
		const parameters = {
			resource: 'funnelStep',
			operation: 'getMany',
			funnel: { __rl: true, mode: 'list', value: funnel },
		};
		const first = await searchList(sandbox.current, 'searchFunnelSteps', { parameters });
		expect(first.results).toHaveLength(20);
		expect(first.results[0]).toEqual({ name: 'Step 01', value: tokens[0] });
		expect(first.paginationToken).toBe('2');
		const second = await searchList(sandbox.current, 'searchFunnelSteps', {
			parameters,
			paginationToken: '2',
		});
		expect(second).toEqual({
			results: [
				{ name: 'Step 21', value: tokens[20] },
				{ name: 'Step 22', value: tokens[21] },
			],
			paginationToken: undefined,
		});
		// funnels/steps/find has no name filter: the dropdown filters the page it got.
		const filtered = await searchList(sandbox.current, 'searchFunnelSteps', {
			parameters,
			filter: 'step 2',
		});
		expect(filtered.results.map((r) => r.name)).toEqual(['Step 20']);
		expect(sandbox.current.requests.map((r) => r.query)).toEqual([
			{ funnel_access_token: funnel, page: '1' },
			{ funnel_access_token: funnel, page: '2' },
			{ funnel_access_token: funnel, page: '1' },
		]);
	});
});
