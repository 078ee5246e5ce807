import { runCronCrm } from '../helpers/engine';
import { searchList } from '../helpers/loadOptions';
import { useSandbox } from '../helpers/sandbox';
import { emptyWebhooks } from '../../sandbox/handlers/instance';

const sandbox = useSandbox();

const EMPTY_SLOTS = emptyWebhooks();

async function createInstances(...names: string[]) {
	for (const name of names) {
		await runCronCrm(sandbox.current, {
			parameters: { resource: 'instance', operation: 'create', name },
		});
	}
	sandbox.current.requests.length = 0;
	return sandbox.current.state.instances;
}

describe('Instance (instances/*)', () => {
	it('Create: POST /instances/create with the name and the webhook URLs added', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'create',
				name: 'Vendas',
				additionalFields: {
					webhookMessage: 'https://erp.example.com/messages',
					webhookQrcode: ' https://erp.example.com/qr ',
					webhookAddedToGroup: '',
				},
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({ method: 'POST', path: '/instances/create' });
		expect(result.requests[0].body).toEqual({
			name: 'Vendas',
			webhookMessage: 'https://erp.example.com/messages',
			webhookQrcode: 'https://erp.example.com/qr',
		});
		expect(result.items[0].json).toMatchObject({
			success: true,
			instance: {
				name: 'Vendas',
				type: { code: 1, name: 'WhatsApp App' },
				api_enable: true,
				webhooks: {
					...EMPTY_SLOTS,
					message: 'https://erp.example.com/messages',
					qrcode: 'https://erp.example.com/qr',
				},
			},
		});
	});

	it('Create: a webhook URL that is not http(s) stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'create',
				name: 'Vendas',
				additionalFields: { webhookIncomingCall: 'erp.example.com/calls' },
			},
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Incoming Call Webhook URL: expected an http(s) URL, got "erp.example.com/calls" (item 0)',
		);
	});

	it('Create: a name that comes out empty from an expression stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'instance', operation: 'create', name: '={{ $json.name }}' },
			items: [{ name: '  ' }],
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Name: is required but empty (item 0)');
	});

	it('Get Many: one item per instance, with its webhook slots; Return All walks the pages', async () => {
		await createInstances(...Array.from({ length: 23 }, (_, i) => `Loja ${i + 1}`));
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'instance', operation: 'getMany', returnAll: true },
		});
		expect(result.items).toHaveLength(23);
		expect(result.requests.map((r) => `${r.method} ${r.path} page=${r.query.page}`)).toEqual([
			'GET /instances/find page=1',
			'GET /instances/find page=2',
		]);
		// The fields of the collection's instances/find example, for an instance created here.
		expect(Object.keys(result.items[0].json).sort()).toEqual(
			[
				'access_token',
				'accounts',
				'api_enable',
				'api_key',
				'count_chats',
				'count_chats_month',
				'created',
				'have_external_chatbot',
				'improved_synchronization',
				'in_log',
				'instagram_username',
				'modified',
				'name',
				'need_delete',
				'phone_wid',
				'storage_used',
				'type',
				'webhooks',
			].sort(),
		);
		expect(result.items[0].json.webhooks).toEqual(EMPTY_SLOTS);
	});

	it('Get Many: filters by name or access token', async () => {
		const [, second] = await createInstances('Vendas', 'Suporte', 'Suporte 2');
		const byName = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'getMany',
				returnAll: true,
				filters: { name: 'suporte' },
			},
		});
		expect(byName.requests[0].query).toEqual({ name: 'suporte', page: '1' });
		expect(byName.items.map((i) => i.json.name)).toEqual(['Suporte', 'Suporte 2']);
		const byToken = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'getMany',
				returnAll: true,
				filters: { accessToken: second.access_token },
			},
		});
		expect(byToken.requests[0].query).toEqual({ access_token: second.access_token, page: '1' });
		expect(byToken.items.map((i) => i.json.name)).toEqual(['Suporte']);
	});

	it('Update: PUT /instances/change; a URL given replaces its slot, slots left out keep theirs', async () => {
		await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'create',
				name: 'Vendas',
				additionalFields: {
					webhookMessage: 'https://old.example.com/m',
					webhookStateChanged: 'https://old.example.com/s',
				},
			},
		});
		const instance = sandbox.current.state.instances[0];
		const token = instance.access_token as string;
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'update',
				instance: { __rl: true, mode: 'list', value: token },
				additionalFields: { name: 'Vendas SP', webhookMessage: 'https://new.example.com/m' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'PUT', path: '/instances/change' });
		expect(result.requests[0].body).toEqual({
			access_token: token,
			name: 'Vendas SP',
			webhookMessage: 'https://new.example.com/m',
		});
		expect(instance).toMatchObject({
			name: 'Vendas SP',
			webhooks: {
				...EMPTY_SLOTS,
				message: 'https://new.example.com/m',
				stateChanged: 'https://old.example.com/s',
			},
		});
	});

	it('Update: an instance that comes out empty from an expression stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'update',
				instance: { __rl: true, mode: 'id', value: '={{ $json.token }}' },
				additionalFields: { name: 'X' },
			},
			items: [{ token: '' }],
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Instance: is required but empty (item 0)');
	});

	it('Delete: DELETE /instances/delete with the access token', async () => {
		const [first] = await createInstances('Vendas', 'Suporte');
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'delete',
				instance: { __rl: true, mode: 'id', value: first.access_token },
			},
		});
		expect(result.requests[0]).toMatchObject({
			method: 'DELETE',
			path: '/instances/delete',
			body: { access_token: first.access_token },
		});
		expect(result.items[0].json).toEqual({ success: true, msg: 'Remoção da instancia iniciada.' });
		expect(sandbox.current.state.instances.map((i) => i.name)).toEqual(['Suporte']);
	});

	it("Delete: an unknown instance is CRONCRM's 404, shown to the user", async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'delete',
				instance: { __rl: true, mode: 'id', value: '2025nothere0729' },
			},
		});
		expect(result.requests[0].status).toBe(404);
		expect(result.error?.message).toBe(
			'CRONCRM: Instancia não encontrado(a). (Instancia not found)',
		);
	});
});

describe('sandbox: instances/change on the slots', () => {
	async function change(body: Record<string, unknown>) {
		const reply = await fetch(`${sandbox.current.url}/instances/change`, {
			method: 'PUT',
			headers: { apiKey: 'sandbox-key', 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		});
		return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
	}

	it("'' empties a slot; absent slots are unchanged; a bad URL is refused naming the field", async () => {
		const [instance] = await createInstances('Vendas');
		const token = instance.access_token;
		await change({
			access_token: token,
			webhookMessage: 'https://a.example.com',
			webhookQrcode: 'https://b.example.com',
		});
		await change({ access_token: token, webhookMessage: '' });
		expect(instance.webhooks).toEqual({ ...EMPTY_SLOTS, qrcode: 'https://b.example.com' });
		const bad = await change({ access_token: token, webhookQrcode: 'ftp://b.example.com' });
		expect(bad).toEqual({
			status: 422,
			body: {
				success: false,
				msg: 'URL inválida em webhookQrcode. (webhookQrcode must be an http(s) URL)',
			},
		});
		expect(instance.webhooks).toEqual({ ...EMPTY_SLOTS, qrcode: 'https://b.example.com' });
	});

	it('Instance dropdown (searchInstances): names and access tokens, paged, name filter sent', async () => {
		const instances = await createInstances(
			...Array.from({ length: 22 }, (_, i) => `Loja ${String(i + 1).padStart(2, '0')}`),
		);
		const first = await searchList(sandbox.current, 'searchInstances');
		expect(first.results).toHaveLength(20);
		expect(first.results[0]).toEqual({ name: 'Loja 01', value: instances[0].access_token });
		expect(first.paginationToken).toBe('2');
		const second = await searchList(sandbox.current, 'searchInstances', { paginationToken: '2' });
		expect(second.results.map((r) => r.name)).toEqual(['Loja 21', 'Loja 22']);
		const filtered = await searchList(sandbox.current, 'searchInstances', { filter: 'Loja 05' });
		expect(filtered.results).toEqual([{ name: 'Loja 05', value: instances[4].access_token }]);
		expect(sandbox.current.requests.map((r) => [r.path, r.query])).toEqual([
			['/instances/find', { page: '1' }],
			['/instances/find', { page: '2' }],
			['/instances/find', { page: '1', name: 'Loja 05' }],
		]);
	});

	it('Update: Clear Fields empties the chosen webhook slots (sent as ""), other slots keep theirs', async () => {
		const [instance] = await createInstances('Vendas');
		instance.webhooks = {
			...(instance.webhooks as object),
			message: 'https://old.example.com/m',
			qrcode: 'https://old.example.com/q',
		};
		const token = instance.access_token as string;
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'update',
				instance: { __rl: true, mode: 'id', value: token },
				clearFields: ['webhookMessage'],
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0].body).toEqual({ access_token: token, webhookMessage: '' });
		expect(instance.webhooks).toMatchObject({ message: '', qrcode: 'https://old.example.com/q' });
	});

	it('Update: a slot both given a URL and chosen in Clear Fields stops the item', async () => {
		const [instance] = await createInstances('Vendas');
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'instance',
				operation: 'update',
				instance: { __rl: true, mode: 'id', value: instance.access_token },
				additionalFields: { webhookMessage: 'https://new.example.com/m' },
				clearFields: ['webhookMessage'],
			},
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Message Webhook URL: both given a value and chosen in Clear Fields (item 0)',
		);
	});
});
