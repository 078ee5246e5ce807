import { runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';
import { phpDate } from '../../sandbox/state';

const sandbox = useSandbox();

const USER_TOKEN = '2025gYS6ks4UwyhMISAUtgbjtf88e5eee0659mF8mzjt15B4paH33Tc28S850722';

/** Users are made in CRONCRM's interface: the test puts one in the state (collection example). */
function seedUser() {
	sandbox.current.state.accounts.push({
		name: 'Usuario teste',
		created: phpDate(),
		modified: phpDate(),
		email: 'usuario_teste@gmail.com',
		phone: '5521988248085',
		role: 1,
		online: true,
		observations: null,
		access_token: USER_TOKEN,
	});
}

/** Creates leads through the node, one input item per lead, in a single run. */
async function createLeads(count: number) {
	const result = await runCronCrm(sandbox.current, {
		parameters: { resource: 'lead', operation: 'create', fullName: '={{ $json.name }}' },
		items: Array.from({ length: count }, (_, i) => ({
			name: `Lead ${String(i + 1).padStart(2, '0')}`,
		})),
	});
	expect(result.error).toBeUndefined();
	sandbox.current.requests.length = 0;
	return sandbox.current.state.leads.map((l) => l.access_token as string);
}

/** Every lead field of Create and Update, as the user types them. */
const ALL_FIELDS = {
	cpf: '123.456.789-09',
	birthdate: '1990-04-15T00:00:00.000-03:00',
	phone: '+55 (21) 98824-8085',
	email: 'ana@example.com',
	phone1: '+55 21 3333-4444',
	phone2: '55 11 97777 6666',
	email1: 'ana.home@example.com',
	email2: 'ana.old@example.com',
	socialName: 'Souza Comércio Ltda',
	cnpj: '12.345.678/0001-95',
	businessEmail: 'contato@souza.com.br',
	chatId: '+55 (21) 98824-8085',
	user: { __rl: true, mode: 'list', value: USER_TOKEN },
	observations: 'Prefers WhatsApp',
	cep: '01310-100',
	address: 'Avenida Paulista',
	number: '1578',
	neighborhood: 'Bela Vista',
	completion: 'Apto 12',
	cityIbge: '3550308',
};

/** What CRONCRM receives for ALL_FIELDS: phones as digits, chat as wid, date as Y-m-d. */
const ALL_SENT = {
	cpf: '123.456.789-09',
	birthdate: '1990-04-15',
	phone: '5521988248085',
	email: 'ana@example.com',
	phone1: '552133334444',
	phone2: '5511977776666',
	email1: 'ana.home@example.com',
	email2: 'ana.old@example.com',
	social_name: 'Souza Comércio Ltda',
	cnpj: '12.345.678/0001-95',
	business_email: 'contato@souza.com.br',
	chat_wid: '5521988248085@c.us',
	account_access_token: USER_TOKEN,
	observations: 'Prefers WhatsApp',
	cep: '01310-100',
	address: 'Avenida Paulista',
	number: '1578',
	neighborhood: 'Bela Vista',
	completion: 'Apto 12',
	city_ibge: '3550308',
};

describe('Lead (leads/*)', () => {
	it('Create: POST /leads/create with all 21 fields converted', async () => {
		seedUser();
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'lead',
				operation: 'create',
				fullName: 'Ana Souza',
				additionalFields: ALL_FIELDS,
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/leads/create',
			status: 200,
		});
		expect(result.requests[0].body).toEqual({ full_name: 'Ana Souza', ...ALL_SENT });
		expect(Object.keys(result.requests[0].body)).toHaveLength(21);
		const { chat_wid: _chat, account_access_token: _user, ...shown } = ALL_SENT;
		expect(result.items[0].json).toMatchObject({
			success: true,
			msg: 'Seu cliente foi criado com sucesso.',
			lead: { full_name: 'Ana Souza', ...shown },
		});
	});

	it('Create: only the name is needed; an empty full name stops the item', async () => {
		const ok = await runCronCrm(sandbox.current, {
			parameters: { resource: 'lead', operation: 'create', fullName: 'Ana' },
		});
		expect(ok.requests[0].body).toEqual({ full_name: 'Ana' });
		expect(ok.items[0].json).toMatchObject({ lead: { full_name: 'Ana', birthdate: null } });

		const empty = await runCronCrm(sandbox.current, {
			parameters: { resource: 'lead', operation: 'create', fullName: '={{ $json.name }}' },
			items: [{ name: '' }],
		});
		expect(empty.requests).toHaveLength(0);
		expect(empty.error?.message).toBe('Full Name: is required but empty (item 0)');
	});

	it('Create: an impossible birthdate stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'lead',
				operation: 'create',
				fullName: 'Ana',
				additionalFields: { birthdate: '1990-02-30' },
			},
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Birthdate: expected a date as YYYY-MM-DD, got "1990-02-30" (item 0)',
		);
	});

	it('Create: a bad phone in the second item stops that item, the first goes through (Continue On Fail)', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'lead',
				operation: 'create',
				fullName: '={{ $json.name }}',
				additionalFields: { phone1: '={{ $json.phone }}' },
			},
			items: [
				{ name: 'Ana', phone: '21 98824-8085' },
				{ name: 'Bia', phone: 'n/a' },
			],
			continueOnFail: true,
		});
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0].body).toEqual({ full_name: 'Ana', phone1: '5521988248085' });
		expect(result.items[1].json.error).toBe(
			'Phone 2: expected a phone number with country and area code, got "n/a" (item 1)',
		);
	});

	it('Get Many: Return All walks 3 pages of GET /leads/find', async () => {
		await createLeads(41);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'lead', operation: 'getMany', returnAll: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/leads/find', { page: '1' }],
			['GET', '/leads/find', { page: '2' }],
			['GET', '/leads/find', { page: '3' }],
		]);
		expect(result.items).toHaveLength(41);
		expect(result.items[40].json).toMatchObject({ full_name: 'Lead 41', accounts: [], chats: [] });
	});

	it('Get Many: Limit 22 stops after the second page', async () => {
		await createLeads(41);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'lead', operation: 'getMany', returnAll: false, limit: 22 },
		});
		expect(result.items).toHaveLength(22);
		expect(result.requests).toHaveLength(2);
	});

	it('Get Many: every filter goes in the query, converted; the lead shows its user and chat', async () => {
		seedUser();
		await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'lead',
				operation: 'create',
				fullName: 'Ana Souza',
				additionalFields: ALL_FIELDS,
			},
		});
		await createLeads(2);
		const today = new Date(Date.now() - 3 * 3600_000).toISOString().slice(0, 10);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'lead',
				operation: 'getMany',
				returnAll: true,
				filters: {
					name: 'ana',
					email: 'ana@',
					cpfCnpj: '123.456.789-09',
					phone: '+55 (21) 98824-8085',
					chatId: '5521988248085',
					dateFrom: '2020-01-01',
					dateTo: `${today}T23:59:00.000Z`,
				},
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0].query).toEqual({
			name: 'ana',
			email: 'ana@',
			cpf_cnpj: '123.456.789-09',
			phone: '5521988248085',
			chat_wid: '5521988248085@c.us',
			date_from: '2020-01-01',
			date_to: today,
			page: '1',
		});
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			full_name: 'Ana Souza',
			accounts: [{ name: 'Usuario teste', access_token: USER_TOKEN }],
			chats: [{ chat_wid: '5521988248085@c.us' }],
		});
	});

	it('Get Many: a malformed date filter stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'lead',
				operation: 'getMany',
				returnAll: true,
				filters: { dateFrom: '15/04/2024' },
			},
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Created From: expected a date as YYYY-MM-DD, got "15/04/2024" (item 0)',
		);
	});

	it('Update: PUT /leads/change with the access token and every field it may change', async () => {
		seedUser();
		const [token] = await createLeads(1);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'lead',
				operation: 'update',
				accessToken: token,
				additionalFields: { fullName: 'Ana Souza', ...ALL_FIELDS },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'PUT', path: '/leads/change' });
		expect(result.requests[0].body).toEqual({
			access_token: token,
			full_name: 'Ana Souza',
			...ALL_SENT,
		});
		expect(result.items[0].json).toMatchObject({
			msg: 'Seu cliente foi alterado com sucesso.',
			lead: { full_name: 'Ana Souza', cnpj: '12.345.678/0001-95', access_token: token },
		});
	});

	it('Update: only the fields added are sent', async () => {
		const [token] = await createLeads(1);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'lead',
				operation: 'update',
				accessToken: token,
				additionalFields: { cep: '20040-020', cpf: '' },
			},
		});
		expect(result.requests[0].body).toEqual({ access_token: token, cep: '20040-020' });
		expect(sandbox.current.state.leads[0]).toMatchObject({
			full_name: 'Lead 01',
			cep: '20040-020',
		});
	});

	it('Delete: DELETE /leads/delete with the access token', async () => {
		const [token, kept] = await createLeads(2);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'lead', operation: 'delete', accessToken: token },
		});
		expect(result.requests).toEqual([
			expect.objectContaining({
				method: 'DELETE',
				path: '/leads/delete',
				body: { access_token: token },
			}),
		]);
		expect(result.items[0].json).toEqual({ success: true, msg: 'Cliente removido com sucesso.' });
		expect(sandbox.current.state.leads.map((l) => l.access_token)).toEqual([kept]);
	});

	describe('Create or Update: leads/find, then leads/change for one match or leads/create for none', () => {
		const upsert = (
			matchBy: string,
			additionalFields: Record<string, unknown>,
			fullName = 'Ana Souza',
		) =>
			runCronCrm(sandbox.current, {
				parameters: {
					resource: 'lead',
					operation: 'createOrUpdate',
					matchBy,
					fullName,
					additionalFields,
				},
			});

		/** A lead made with plain Create, as CRONCRM would hold one made elsewhere. */
		async function existingLead(additionalFields: Record<string, unknown>) {
			const result = await runCronCrm(sandbox.current, {
				parameters: {
					resource: 'lead',
					operation: 'create',
					fullName: 'Old Name',
					additionalFields,
				},
			});
			expect(result.error).toBeUndefined();
			sandbox.current.requests.length = 0;
			return sandbox.current.state.leads.at(-1)!.access_token as string;
		}

		it('no match: searches by the phone as CRONCRM stores it, then creates', async () => {
			const result = await upsert('phone', {
				phone: '+55 (21) 98824-8085',
				email: 'ana@example.com',
			});
			expect(result.error).toBeUndefined();
			expect(result.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
				'GET /leads/find',
				'POST /leads/create',
			]);
			expect(result.requests[0].query).toMatchObject({ phone: '5521988248085' });
			expect(result.requests[1].body).toEqual({
				full_name: 'Ana Souza',
				phone: '5521988248085',
				email: 'ana@example.com',
			});
			expect(result.items[0].json).toMatchObject({
				upsertAction: 'created',
				lead: { full_name: 'Ana Souza', phone: '5521988248085' },
			});
			expect(sandbox.current.state.leads).toHaveLength(1);
		});

		it('match by phone: the same form three times gives one lead, updated twice', async () => {
			for (let run = 1; run <= 3; run++) {
				const result = await upsert('phone', {
					phone: '21 98824-8085',
					observations: `run ${run}`,
				});
				expect(result.error).toBeUndefined();
				expect(result.items[0].json.upsertAction).toBe(run === 1 ? 'created' : 'updated');
			}
			expect(sandbox.current.state.leads).toHaveLength(1);
			expect(sandbox.current.state.leads[0]).toMatchObject({ observations: 'run 3' });
		});

		it('match by phone finds the lead by its second phone too, and updates it by access_token', async () => {
			const token = await existingLead({ phone1: '+55 21 98824-8085' });
			const result = await upsert('phone', { phone: '+55 21 98824-8085', cep: '01310-100' });
			expect(result.error).toBeUndefined();
			expect(result.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
				'GET /leads/find',
				'PUT /leads/change',
			]);
			expect(result.requests[1].body).toEqual({
				access_token: token,
				full_name: 'Ana Souza',
				phone: '5521988248085',
				cep: '01310-100',
			});
			expect(result.items[0].json).toMatchObject({
				upsertAction: 'updated',
				lead: { full_name: 'Ana Souza' },
			});
			expect(sandbox.current.state.leads).toHaveLength(1);
		});

		it('match by email: an equal address (any case) matches; one that only resembles it does not', async () => {
			const token = await existingLead({ email: 'Ana@Example.com' });
			await existingLead({ email: 'ana@example.com.br' });
			const result = await upsert('email', { email: 'ana@example.com' });
			expect(result.error).toBeUndefined();
			expect(result.requests[0]).toMatchObject({
				path: '/leads/find',
				query: { email: 'ana@example.com' },
			});
			expect(result.requests[1]).toMatchObject({ method: 'PUT', path: '/leads/change' });
			expect(result.requests[1].body.access_token).toBe(token);
			expect(sandbox.current.state.leads).toHaveLength(2);
		});

		it('match by CPF or CNPJ: the CPF as typed, compared digit by digit', async () => {
			const token = await existingLead({ cpf: '123.456.789-09' });
			const result = await upsert('cpfCnpj', { cpf: '123.456.789-09', email: 'new@example.com' });
			expect(result.error).toBeUndefined();
			expect(result.requests[0].query).toMatchObject({ cpf_cnpj: '123.456.789-09' });
			expect(result.requests[1].body).toMatchObject({
				access_token: token,
				email: 'new@example.com',
			});
			const byCnpj = await upsert('cpfCnpj', { cnpj: '12.345.678/0001-95' });
			expect(byCnpj.items[0].json.upsertAction).toBe('created');
			expect(byCnpj.requests[0].query).toMatchObject({ cpf_cnpj: '12.345.678/0001-95' });
		});

		it('several matches: an error naming them, nothing created or changed', async () => {
			const first = await existingLead({ phone: '+55 21 98824-8085' });
			const second = await existingLead({ phone: '+55 21 98824-8085' });
			const before = JSON.stringify(sandbox.current.state.leads);
			const result = await upsert('phone', { phone: '+55 21 98824-8085' });
			expect(result.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /leads/find']);
			expect(result.error?.message).toBe(
				`Phone "5521988248085" matches 2 leads (access_token ${first}, ${second}) (item 0)`,
			);
			expect(JSON.stringify(sandbox.current.state.leads)).toBe(before);
		});

		it('a key that is missing or invalid stops the item before any request', async () => {
			const missing = await upsert('email', { phone: '+55 21 98824-8085' });
			expect(missing.requests).toHaveLength(0);
			expect(missing.error?.message).toBe("Match By Email: the lead's Email is empty (item 0)");
			const invalid = await upsert('phone', { phone: 'not a phone' });
			expect(invalid.requests).toHaveLength(0);
			expect(invalid.error?.message).toBe(
				'Phone: expected a phone number with country and area code, got "not a phone" (item 0)',
			);
			expect(sandbox.current.state.leads).toHaveLength(0);
		});
	});
});
