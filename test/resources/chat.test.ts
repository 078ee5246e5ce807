import { runCronCrm } from '../helpers/engine';
import { searchList } from '../helpers/loadOptions';
import { useSandbox } from '../helpers/sandbox';
import { DEFAULT_API_KEY } from '../../sandbox/server';

const sandbox = useSandbox();

const ANA = '5521988248085@c.us';
const BRUNO = '5521977776666@c.us';

const rl = (value: string, mode: 'list' | 'id' = 'list') => ({ __rl: true, mode, value });

/** Runs one Chat operation; `parameters` are the operation's own. */
async function chat(operation: string, parameters: Record<string, unknown> = {}) {
	return await runCronCrm(sandbox.current, {
		parameters: { resource: 'chat', operation, ...parameters },
	});
}

/** Chats created through the node, then the request log cleared for the test's own requests. */
async function createChats(...wids: string[]) {
	for (const wid of wids) {
		const result = await chat('create', { chatId: wid });
		expect(result.error).toBeUndefined();
	}
	sandbox.current.requests.length = 0;
}

function chatRow(wid: string) {
	return sandbox.current.state.chats.find((c) => c.chat_wid === wid);
}

describe('Chat (chats/*)', () => {
	it('Create: POST /chats/create with the chat_wid and the profile fields the user filled', async () => {
		const result = await chat('create', {
			chatId: '+55 (21) 98824-8085',
			additionalFields: {
				profileName: 'Ana Souza',
				profileCpfCnpj: '123.456.789-09',
				profileEmail: 'ana@example.com',
				profileMobile: '21988248085',
				profileCityIbge: '3304557',
				// n8n's date picker gives a date-time; CRONCRM takes Y-m-d.
				profileBirthdate: '1990-05-17T00:00:00',
				profileObservations: 'Prefers WhatsApp',
				profilePhone: '',
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({ method: 'POST', path: '/chats/create' });
		expect(result.requests[0].headers['content-type']).toContain('application/json');
		expect(result.requests[0].headers).not.toHaveProperty('totransmit');
		expect(result.requests[0].body).toEqual({
			chat_wid: ANA,
			profile_name: 'Ana Souza',
			profile_cpf_cnpj: '123.456.789-09',
			profile_email: 'ana@example.com',
			profile_celular: '21988248085',
			profile_city_ibge: '3304557',
			profile_birthdate: '1990-05-17',
			profile_observations: 'Prefers WhatsApp',
		});
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			success: true,
			msg: 'Conversa salva com sucesso.',
			chat: {
				chat_wid: ANA,
				profile_name: 'Ana Souza',
				profile_birthdate: '1990-05-17',
				profile_city_id: 3304557,
				customer_service_status_id: 4,
				is_group: false,
			},
		});
		expect(typeof (result.items[0].json.chat as { access_token: unknown }).access_token).toBe(
			'string',
		);
	});

	it('Create: an impossible birthdate stops the item before any request', async () => {
		const result = await chat('create', {
			chatId: ANA,
			additionalFields: { profileBirthdate: '1990-02-30' },
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Birthdate: expected a date as YYYY-MM-DD, got "1990-02-30" (item 0)',
		);
	});

	it('Create: a malformed chat id stops the item before any request', async () => {
		const result = await chat('create', { chatId: 'ana@gmail.com' });
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Chat: expected a phone number or a WhatsApp id ending in @c.us, @g.us, @lid or @jid, got "ana@gmail.com" (item 0)',
		);
	});

	it('Create: a missing chat is refused by name, nothing sent', async () => {
		const result = await chat('create', { chatId: '  ' });
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Chat: is required but empty (item 0)');
	});

	it('Get Many: Return All walks every page of GET /chats/find, one item per chat', async () => {
		for (let i = 0; i < 45; i++) {
			sandbox.current.state.chats.push({
				chat_wid: `55219880000${String(i).padStart(2, '0')}@c.us`,
				profile_name: `Contact ${i}`,
				customer_service_status_id: 4,
				tags: [],
			});
		}
		const result = await chat('getMany', { returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/chats/find', { page: '1' }],
			['GET', '/chats/find', { page: '2' }],
			['GET', '/chats/find', { page: '3' }],
		]);
		expect(result.items).toHaveLength(45);
		expect(result.items[44].json).toMatchObject({
			chat_wid: '5521988000044@c.us',
			profile_name: 'Contact 44',
		});
		// Rows are shown with every field of the collection's example, internals hidden.
		expect(result.items[0].json).toHaveProperty('last_message_body');
		expect(result.items[0].json).not.toHaveProperty('tags');
	});

	it('Get Many: finds the chats that got a tag through the Tag resource', async () => {
		await createChats(ANA, BRUNO);
		const created = await runCronCrm(sandbox.current, {
			parameters: { resource: 'tag', operation: 'create', name: 'Hot lead' },
		});
		const token = (created.items[0].json.tag as { access_token: string }).access_token;
		const tagged = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'tag',
				operation: 'addToChat',
				tag: rl(token),
				chatId: '+55 21 97777-6666',
				action: 'add',
			},
		});
		expect(tagged.error).toBeUndefined();

		const result = await chat('getMany', { returnAll: true, filters: { tag: rl(token) } });
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({
			method: 'GET',
			path: '/chats/find',
			query: { tag_access_token: token, page: '1' },
		});
		expect(result.items.map((i) => i.json.chat_wid)).toEqual([BRUNO]);
	});

	it('Update and Get Many: the funnel step is sent, the Funnel picker beside it never is', async () => {
		await createChats(ANA, BRUNO);
		const state = sandbox.current.state;
		state.funnels.push({ name: 'Sales', access_token: 'funnel-sales' });
		state.funnelSteps.push({
			name: 'Proposal',
			access_token: 'step-proposal',
			funnel_access_token: 'funnel-sales',
		});

		const updated = await chat('update', {
			chatId: ANA,
			additionalFields: {
				profileName: 'Ana S.',
				funnel: rl('funnel-sales'),
				funnelStep: rl('step-proposal'),
			},
		});
		expect(updated.error).toBeUndefined();
		expect(updated.requests[0]).toMatchObject({ method: 'PUT', path: '/chats/change' });
		expect(updated.requests[0].body).toEqual({
			chat_wid: ANA,
			profile_name: 'Ana S.',
			funnel_step_access_token: 'step-proposal',
		});
		expect(updated.items[0].json).toMatchObject({
			msg: 'Conversa atualizada com sucesso.',
			chat: { chat_wid: ANA, profile_name: 'Ana S.' },
		});
		expect(chatRow(ANA)?.funnel_step_access_token).toBe('step-proposal');

		const found = await chat('getMany', {
			returnAll: true,
			filters: {
				funnel: rl('funnel-sales'),
				funnelStep: rl('step-proposal', 'id'),
				customerServiceStatus: '4',
			},
		});
		expect(found.error).toBeUndefined();
		expect(found.requests[0].query).toEqual({
			funnel_step_access_token: 'step-proposal',
			customer_service_status_id: '4',
			page: '1',
		});
		expect(found.items.map((i) => i.json.chat_wid)).toEqual([ANA]);
	});

	it('Get Many: the service status filter sends its number', async () => {
		await createChats(ANA, BRUNO);
		chatRow(BRUNO)!.customer_service_status_id = 2;
		const result = await chat('getMany', {
			returnAll: true,
			filters: { customerServiceStatus: '2' },
		});
		expect(result.requests[0].query).toEqual({ customer_service_status_id: '2', page: '1' });
		expect(result.items.map((i) => i.json.chat_wid)).toEqual([BRUNO]);
	});

	it('Get Many: a chat filter is converted to a chat_wid and returns that chat alone', async () => {
		await createChats(ANA, BRUNO);
		const result = await chat('getMany', {
			returnAll: false,
			limit: 5,
			filters: { chatId: '+55 21 98824-8085' },
		});
		expect(result.requests[0].query).toEqual({ chat_wid: ANA, page: '1' });
		expect(result.items.map((i) => i.json.chat_wid)).toEqual([ANA]);
	});

	it('Update: an unknown funnel step is refused by the API and the error reaches the user', async () => {
		await createChats(ANA);
		const result = await chat('update', {
			chatId: ANA,
			additionalFields: { funnelStep: rl('no-such-step', 'id') },
		});
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0].status).toBe(404);
		expect(result.error?.message).toMatch(/^CRONCRM: Etapa .*não encontrad/);
		expect(chatRow(ANA)?.funnel_step_access_token).toBeNull();
	});

	it('Delete: DELETE /chats/delete sends platform_too as the string "true" by default', async () => {
		await createChats(ANA, BRUNO);
		sandbox.current.state.messages.push({ chat_wid: ANA, access_token: 'm1' });
		const result = await chat('delete', { chatId: ANA });
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'DELETE', path: '/chats/delete' });
		// The description spells it "plataform_too"; the body and the example say platform_too.
		expect(result.requests[0].body).toEqual({ chat_wid: ANA, platform_too: 'true' });
		expect(result.items[0].json).toEqual({ success: true, msg: 'Conversa removida com sucesso.' });
		expect(sandbox.current.state.chats.map((c) => c.chat_wid)).toEqual([BRUNO]);
		expect(sandbox.current.state.messages).toHaveLength(0);
	});

	it('Delete: turned off, platform_too is the string "false" and CRONCRM keeps the chat', async () => {
		await createChats(ANA);
		const result = await chat('delete', { chatId: ANA, platformToo: false });
		expect(result.requests[0].body).toEqual({ chat_wid: ANA, platform_too: 'false' });
		expect(chatRow(ANA)).toBeDefined();
	});

	it('Clear Messages: PUT /chats/clear empties the history and keeps the chat', async () => {
		await createChats(ANA, BRUNO);
		const messages = sandbox.current.state.messages;
		messages.push({ chat_wid: ANA, access_token: 'm1' }, { chat_wid: BRUNO, access_token: 'm2' });
		const result = await chat('clear', { chatId: ANA, platformToo: true });
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'PUT',
			path: '/chats/clear',
			body: { chat_wid: ANA, platform_too: 'true' },
		});
		expect(result.items[0].json.msg).toBe('Conversa limpa com sucesso.');
		expect(sandbox.current.state.messages.map((m) => m.access_token)).toEqual(['m2']);
		expect(chatRow(ANA)).toBeDefined();
	});

	it('Archive or Unarchive: archive travels as a JSON boolean', async () => {
		await createChats(ANA);
		const archived = await chat('archive', { chatId: ANA, archive: true });
		expect(archived.requests[0]).toMatchObject({ method: 'PUT', path: '/chats/archive' });
		expect(archived.requests[0].body).toEqual({ chat_wid: ANA, archive: true });
		expect(archived.items[0].json.msg).toBe('Conversa arquivada com sucesso.');
		expect(chatRow(ANA)?.is_archive).toBe(true);

		const unarchived = await chat('archive', { chatId: ANA, archive: false });
		expect(unarchived.requests[0].body).toEqual({ chat_wid: ANA, archive: false });
		expect(unarchived.items[0].json.msg).toBe('Conversa desarquivada com sucesso.');
		expect(chatRow(ANA)?.is_archive).toBe(false);
	});

	it('Reject Incoming Call: POST /chats/reject-incoming-call with the call id', async () => {
		const result = await chat('rejectCall', { incomingCallId: 'ABCD1234EF' });
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/chats/reject-incoming-call',
			body: { incoming_call_id: 'ABCD1234EF' },
		});
		expect(result.items[0].json).toEqual({ success: true, msg: 'Ligação rejeitada com sucesso.' });
	});

	it("Set Waiting for Agent: the path keeps the collection's trailing slash", async () => {
		await createChats(ANA);
		const result = await chat('setWaitingHumanCare', { chatId: ANA });
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/chats/set-waiting-human-care/',
			body: { chat_wid: ANA },
		});
		expect(result.items[0].json).toEqual({
			success: true,
			msg: 'Conversa aguardando atendimento humano.',
			customer_service_status_id: 2,
		});
		expect(chatRow(ANA)?.customer_service_status_id).toBe(2);
	});

	it('Set Waiting for Agent: a chat that does not exist is refused (the method creates none)', async () => {
		const result = await chat('setWaitingHumanCare', { chatId: ANA });
		expect(result.requests[0].status).toBe(404);
		expect(result.error?.message).toBe('CRONCRM: Conversa não encontrado(a). (Conversa not found)');
		expect(sandbox.current.state.chats).toHaveLength(0);
	});

	it('Finish API Interaction: sends the flag under both spellings, and account_access_token, to /chats/finish-api/', async () => {
		await createChats(ANA);
		sandbox.current.state.accounts.push({ name: 'Carla', access_token: 'user-carla' });
		chatRow(ANA)!.customer_service_status_id = 5;
		const result = await chat('finishApi', {
			chatId: ANA,
			requestEvaluation: true,
			additionalFields: { user: rl('user-carla') },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'POST', path: '/chats/finish-api/' });
		expect(result.requests[0].headers).not.toHaveProperty('totransmit');
		// The template says request_evaluation_if_available, the example requestEvaluationIfAvailable:
		// both carry the value, so neither reading of the live API drops the setting. Not the
		// example's send_by_account.
		expect(result.requests[0].body).toEqual({
			chat_wid: ANA,
			requestEvaluationIfAvailable: true,
			request_evaluation_if_available: true,
			account_access_token: 'user-carla',
		});
		expect(result.items[0].json).toEqual({ success: true, msg: 'Interação via API finalizado.' });
		expect(chatRow(ANA)).toMatchObject({
			customer_service_status_id: 4,
			evaluation_requested: true,
		});
	});

	it('Finish API Interaction: without a user, the flag is still sent as false', async () => {
		await createChats(ANA);
		const result = await chat('finishApi', { chatId: ANA });
		expect(result.requests[0].body).toEqual({
			chat_wid: ANA,
			requestEvaluationIfAvailable: false,
			request_evaluation_if_available: false,
		});
		expect(chatRow(ANA)?.evaluation_requested).toBe(false);
	});

	it.each(['requestEvaluationIfAvailable', 'request_evaluation_if_available'])(
		'The sandbox reads the flag from %s alone, as the live API may',
		async (spelling) => {
			await createChats(ANA);
			const reply = await fetch(`${sandbox.current.url}/chats/finish-api/`, {
				method: 'POST',
				headers: { apiKey: DEFAULT_API_KEY, 'Content-Type': 'application/json' },
				body: JSON.stringify({ chat_wid: ANA, [spelling]: true }),
			});
			expect(reply.status).toBe(200);
			expect(chatRow(ANA)?.evaluation_requested).toBe(true);
		},
	);

	it('A bad item stops alone: with Continue On Fail the good items are still sent', async () => {
		await createChats(ANA, BRUNO);
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'chat',
				operation: 'archive',
				chatId: '={{ $json.wid }}',
				archive: true,
			},
			items: [{ wid: ANA }, { wid: 'not a phone' }, { wid: BRUNO }],
			continueOnFail: true,
		});
		expect(result.requests.map((r) => r.body.chat_wid)).toEqual([ANA, BRUNO]);
		expect(result.items).toHaveLength(3);
		expect(String(result.items[1].json.error)).toContain('Chat: expected a phone number');
		expect(String(result.items[1].json.error)).toContain('(item 1)');
	});

	it('Funnel Step dropdown: lists the steps of the Funnel picked beside it, in Filters and in Additional Fields', async () => {
		const state = sandbox.current.state;
		state.funnels.push({ name: 'Sales', access_token: 'funnel-sales' });
		state.funnelSteps.push(
			{ name: 'Proposal', access_token: 'step-proposal', funnel_access_token: 'funnel-sales' },
			{ name: 'Onboarding', access_token: 'step-onboarding', funnel_access_token: 'funnel-other' },
		);
		for (const [operation, collection] of [
			['getMany', 'filters'],
			['update', 'additionalFields'],
		]) {
			const steps = await searchList(sandbox.current, 'searchFunnelSteps', {
				parameters: { resource: 'chat', operation, [collection]: { funnel: rl('funnel-sales') } },
			});
			expect(steps.results).toEqual([{ name: 'Proposal', value: 'step-proposal' }]);
		}
		expect(sandbox.current.requests.map((r) => r.query)).toEqual([
			{ funnel_access_token: 'funnel-sales', page: '1' },
			{ funnel_access_token: 'funnel-sales', page: '1' },
		]);
	});

	it('Funnel Step dropdown: without a Funnel it asks for one and sends nothing', async () => {
		await expect(
			searchList(sandbox.current, 'searchFunnelSteps', {
				parameters: { resource: 'chat', operation: 'getMany', filters: {} },
			}),
		).rejects.toThrow('Choose a Funnel first');
		expect(sandbox.current.requests).toHaveLength(0);
	});
});
