import { runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

async function createList(name = 'Customers') {
	await runCronCrm(sandbox.current, {
		parameters: { resource: 'contactList', operation: 'create', name },
	});
	sandbox.current.requests.length = 0;
	return sandbox.current.state.lists.at(-1)!.access_token as string;
}

/** Creates contacts through the node, one input item per contact, in a single run. */
async function createContacts(list: string, count: number) {
	const result = await runCronCrm(sandbox.current, {
		parameters: {
			resource: 'contact',
			operation: 'create',
			name: '={{ $json.name }}',
			phone: '={{ $json.phone }}',
			list: { __rl: true, mode: 'id', value: list },
		},
		items: Array.from({ length: count }, (_, i) => ({
			name: `Contact ${String(i + 1).padStart(2, '0')}`,
			phone: `55219880${String(i).padStart(5, '0')}`,
		})),
	});
	expect(result.error).toBeUndefined();
	sandbox.current.requests.length = 0;
	return sandbox.current.state.contacts.map((c) => c.access_token as string);
}

describe('CRONCRM Contact (contacts-croncrm/*)', () => {
	it('Create: POST /contacts-croncrm/create with the six variables, opt-out and the list', async () => {
		const list = await createList();
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contact',
				operation: 'create',
				name: 'Ana Souza',
				phone: '+55 (21) 98824-8085',
				list: { __rl: true, mode: 'list', value: list },
				additionalFields: {
					variable01: 'gold',
					variable02: 'Rio',
					variable03: '3',
					variable04: 'x',
					variable05: 'y',
					variable06: 'z',
					description: 'Met at the fair',
					optOut: true,
				},
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/contacts-croncrm/create',
			status: 201,
		});
		expect(result.requests[0].body).toEqual({
			name: 'Ana Souza',
			phone: '5521988248085',
			list_access_token: list,
			variable01: 'gold',
			variable02: 'Rio',
			variable03: '3',
			variable04: 'x',
			variable05: 'y',
			variable06: 'z',
			description: 'Met at the fair',
			opt_out: true,
		});
		expect(result.items[0].json).toMatchObject({
			success: true,
			msg: 'Contato salvo com sucesso.',
			contact: {
				name: 'Ana Souza',
				phone: '5521988248085',
				variable06: 'z',
				opt_out: true,
				list: { name: 'Customers', access_token: list },
			},
		});
	});

	it('Create: opt-out off is sent as false, not left out', async () => {
		const list = await createList();
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contact',
				operation: 'create',
				name: 'Ana',
				phone: '5521988248085',
				list: { __rl: true, mode: 'id', value: list },
				additionalFields: { optOut: false },
			},
		});
		expect(result.requests[0].body).toEqual({
			name: 'Ana',
			phone: '5521988248085',
			list_access_token: list,
			opt_out: false,
		});
	});

	it.each([
		[
			"a chat id, as the collection's own example sends",
			'5521988248085@c.us',
			'5521988248085@c.us',
		],
		['a number typed the Brazilian way', '(21) 98824-8085', '5521988248085'],
	])('Create: the phone may be %s', async (_, typed, sent) => {
		const list = await createList();
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contact',
				operation: 'create',
				name: 'Ana',
				phone: typed,
				list: { __rl: true, mode: 'id', value: list },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0].body.phone).toBe(sent);
		// CRONCRM keeps the digits, as the create example's reply shows.
		expect(result.items[0].json).toMatchObject({ contact: { phone: '5521988248085' } });
	});

	it('Update: the phone may be a chat id too; a group id is refused before any request', async () => {
		const [token] = await createContacts(await createList(), 1);
		const update = (phone: string) =>
			runCronCrm(sandbox.current, {
				parameters: {
					resource: 'contact',
					operation: 'update',
					accessToken: token,
					additionalFields: { phone },
				},
			});
		const result = await update('5511977776666@c.us');
		expect(result.error).toBeUndefined();
		expect(result.requests[0].body).toEqual({ access_token: token, phone: '5511977776666@c.us' });
		expect(sandbox.current.state.contacts[0].phone).toBe('5511977776666');

		const group = await update('120363000000000001@g.us');
		expect(group.requests).toHaveLength(0);
		expect(group.error?.message).toBe(
			'Phone: expected a phone number with country and area code, got "120363000000000001@g.us" (item 0)',
		);
	});

	it('Create: an invalid phone stops the item before any request, naming field and item', async () => {
		const list = await createList();
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contact',
				operation: 'create',
				name: 'Ana',
				phone: 'call me',
				list: { __rl: true, mode: 'id', value: list },
			},
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Phone: expected a phone number with country and area code, got "call me" (item 0)',
		);
		expect(sandbox.current.state.contacts).toHaveLength(0);
	});

	it('Create: a list that resolves to nothing stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contact',
				operation: 'create',
				name: 'Ana',
				phone: '5521988248085',
				list: { __rl: true, mode: 'id', value: '={{ $json.list }}' },
			},
			items: [{ list: '' }],
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Contact List: is required but empty (item 0)');
	});

	it('Get Many: Return All walks 3 pages of GET /contacts-croncrm/find', async () => {
		const list = await createList();
		await createContacts(list, 41);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'contact', operation: 'getMany', returnAll: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(41);
		expect(result.items[40].json).toMatchObject({
			name: 'Contact 41',
			phone: '5521988000040',
			list: { name: 'Customers', access_token: list },
		});
		expect(result.requests.map((r) => [r.method, r.path, r.query.page])).toEqual([
			['GET', '/contacts-croncrm/find', '1'],
			['GET', '/contacts-croncrm/find', '2'],
			['GET', '/contacts-croncrm/find', '3'],
		]);
	});

	it('Get Many: Limit 5 takes one page', async () => {
		const list = await createList();
		await createContacts(list, 30);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'contact', operation: 'getMany', returnAll: false, limit: 5 },
		});
		expect(result.items.map((i) => i.json.name)).toEqual([
			'Contact 01',
			'Contact 02',
			'Contact 03',
			'Contact 04',
			'Contact 05',
		]);
		expect(result.requests).toHaveLength(1);
	});

	it('Get Many: contact, list and access_token filters go in the query', async () => {
		const list = await createList('Customers');
		const other = await createList('Suppliers');
		await createContacts(list, 2);
		const [, second] = await createContacts(other, 2).then((t) => t.slice(2));
		const byList = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contact',
				operation: 'getMany',
				returnAll: true,
				filters: { contact: 'Contact 02', list: { __rl: true, mode: 'list', value: other } },
			},
		});
		expect(byList.requests[0].query).toEqual({ contact: 'Contact 02', list: other, page: '1' });
		expect(byList.items.map((i) => i.json.access_token)).toEqual([second]);

		const byToken = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contact',
				operation: 'getMany',
				returnAll: true,
				filters: { accessToken: second },
			},
		});
		expect(byToken.requests[0].query).toEqual({ access_token: second, page: '1' });
		expect(byToken.items).toHaveLength(1);
	});

	it('Update: PUT /contacts-croncrm/change moves the contact and changes only what was added', async () => {
		const list = await createList('Customers');
		const other = await createList('Suppliers');
		const [token] = await createContacts(list, 1);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'contact',
				operation: 'update',
				accessToken: token,
				additionalFields: {
					name: 'Renamed',
					phone: '+55 21 97777-6666',
					variable03: 'silver',
					list: { __rl: true, mode: 'list', value: other },
				},
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'PUT', path: '/contacts-croncrm/change' });
		expect(result.requests[0].body).toEqual({
			access_token: token,
			name: 'Renamed',
			phone: '5521977776666',
			variable03: 'silver',
			list_access_token: other,
		});
		expect(result.items[0].json).toMatchObject({
			contact: {
				name: 'Renamed',
				variable03: 'silver',
				list: { name: 'Suppliers', access_token: other },
			},
		});
	});

	it('Delete: DELETE /contacts-croncrm/delete with the access token', async () => {
		const list = await createList();
		const [token, kept] = await createContacts(list, 2);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'contact', operation: 'delete', accessToken: token },
		});
		expect(result.requests).toEqual([
			expect.objectContaining({
				method: 'DELETE',
				path: '/contacts-croncrm/delete',
				body: { access_token: token },
			}),
		]);
		expect(result.items[0].json).toEqual({ success: true, msg: 'Contato removido com sucesso.' });
		expect(sandbox.current.state.contacts.map((c) => c.access_token)).toEqual([kept]);
	});

	describe('Create or Update: contacts-croncrm/find in the list, then change or create', () => {
		const upsert = (list: string, phone: string, name = 'Ana Souza', additionalFields = {}) =>
			runCronCrm(sandbox.current, {
				parameters: {
					resource: 'contact',
					operation: 'createOrUpdate',
					matchBy: 'phone',
					name,
					phone,
					list: { __rl: true, mode: 'id', value: list },
					additionalFields,
				},
			});

		it('an import run twice gives one contact per number: created, then updated', async () => {
			const list = await createList();
			const first = await upsert(list, '+55 21 98824-8085', 'Ana', { variable01: 'v1' });
			expect(first.error).toBeUndefined();
			expect(first.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
				'GET /contacts-croncrm/find',
				'POST /contacts-croncrm/create',
			]);
			expect(first.requests[0].query).toMatchObject({ contact: '5521988248085', list });
			expect(first.items[0].json.upsertAction).toBe('created');
			const token = sandbox.current.state.contacts.at(-1)!.access_token;

			const second = await upsert(list, '(21) 98824-8085', 'Ana Souza', { variable01: 'v2' });
			expect(second.error).toBeUndefined();
			expect(second.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
				'GET /contacts-croncrm/find',
				'PUT /contacts-croncrm/change',
			]);
			expect(second.requests[1].body).toMatchObject({
				access_token: token,
				name: 'Ana Souza',
				variable01: 'v2',
			});
			expect(second.items[0].json.upsertAction).toBe('updated');
			expect(sandbox.current.state.contacts).toHaveLength(1);
			expect(sandbox.current.state.contacts[0]).toMatchObject({
				name: 'Ana Souza',
				variable01: 'v2',
			});
		});

		it('a number that only contains the key, or the same number in another list, is another contact', async () => {
			const list = await createList('Customers');
			const other = await createList('Suppliers');
			await upsert(other, '+55 21 9882-4808');
			await upsert(list, '+55 21 98824-8085');
			sandbox.current.requests.length = 0;
			// contacts-croncrm/find answers both: one in another list, one that contains the digits.
			const result = await upsert(list, '+55 21 9882-4808');
			expect(result.requests[0].query).toMatchObject({ contact: '552198824808' });
			expect(result.error).toBeUndefined();
			expect(result.items[0].json.upsertAction).toBe('created');
			expect(sandbox.current.state.contacts).toHaveLength(3);
		});

		it('two contacts with the number in the list: an error naming them, nothing changed', async () => {
			const list = await createList();
			const tokens = await createContacts(list, 1);
			await createContacts(list, 1);
			const both = sandbox.current.state.contacts.map((c) => c.access_token);
			expect(both[0]).toBe(tokens[0]);
			const before = JSON.stringify(sandbox.current.state.contacts);
			const result = await upsert(list, '5521988000000');
			expect(result.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
				'GET /contacts-croncrm/find',
			]);
			expect(result.error?.message).toBe(
				`Phone "5521988000000" matches 2 contacts (access_token ${both.join(', ')}) (item 0)`,
			);
			expect(JSON.stringify(sandbox.current.state.contacts)).toBe(before);
		});

		it('a bad phone stops the item before any request', async () => {
			const list = await createList();
			const result = await upsert(list, 'call me');
			expect(result.requests).toHaveLength(0);
			expect(result.error?.message).toMatch(/^Phone: .*"call me" \(item 0\)$/);
		});
	});
});
