import { chatOf } from '../../sandbox/handlers/common';
import { runCronCrm } from '../helpers/engine';
import { useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

/** The phone's address book, as CRONCRM lists it (the collection's example shape). */
function seedPhoneContacts(count: number) {
	for (let i = 1; i <= count; i++) {
		const wuser = `55219880${String(i).padStart(5, '0')}`;
		sandbox.current.state.whatsappContacts.push({
			wid: `${wuser}@c.us`,
			wuser,
			wserver: 'c.us',
			name: `Phone contact ${String(i).padStart(2, '0')}`,
			is_business: false,
			is_enterprise: false,
			is_my_contact: true,
		});
	}
}

describe('WhatsApp Contact (contacts-whatsapp-app/*)', () => {
	it('Get Many: Return All walks 3 pages of GET /contacts-whatsapp-app/find; groups come too', async () => {
		seedPhoneContacts(44);
		chatOf(sandbox.current.state, '120363012345678901@g.us')!.profile_name = 'Team';
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'whatsappContact', operation: 'getMany', returnAll: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/contacts-whatsapp-app/find', { page: '1' }],
			['GET', '/contacts-whatsapp-app/find', { page: '2' }],
			['GET', '/contacts-whatsapp-app/find', { page: '3' }],
		]);
		expect(result.items).toHaveLength(45);
		expect(result.items[0].json).toEqual({
			wid: '5521988000001@c.us',
			wuser: '5521988000001',
			wserver: 'c.us',
			name: 'Phone contact 01',
			is_business: false,
			is_enterprise: false,
			is_my_contact: true,
		});
		expect(result.items[44].json).toMatchObject({ wid: '120363012345678901@g.us', name: 'Team' });
	});

	it('Get Many: Limit 3 outputs three contacts from one request', async () => {
		seedPhoneContacts(25);
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'whatsappContact', operation: 'getMany', returnAll: false, limit: 3 },
		});
		expect(result.items.map((i) => i.json.name)).toEqual([
			'Phone contact 01',
			'Phone contact 02',
			'Phone contact 03',
		]);
		expect(result.requests).toHaveLength(1);
	});

	it('Get Blocked: GET /contacts-whatsapp-app/blocked; each bare id becomes an item { wid }', async () => {
		sandbox.current.state.blockedContacts.push('5521988248085@c.us', '5521977776666@c.us');
		const result = await runCronCrm(sandbox.current, {
			parameters: { resource: 'whatsappContact', operation: 'getBlocked', returnAll: true },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toEqual([
			expect.objectContaining({
				method: 'GET',
				path: '/contacts-whatsapp-app/blocked',
				query: { page: '1' },
			}),
		]);
		expect(result.items.map((i) => i.json)).toEqual([
			{ wid: '5521988248085@c.us' },
			{ wid: '5521977776666@c.us' },
		]);
	});

	it('Block or Unblock: POST /contacts-whatsapp-app/block with chat_wid and block true, then false', async () => {
		chatOf(sandbox.current.state, '5521988248085@c.us');
		const blocked = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'whatsappContact',
				operation: 'block',
				chatId: '+55 (21) 98824-8085',
				block: true,
			},
		});
		expect(blocked.error).toBeUndefined();
		expect(blocked.requests[0]).toMatchObject({
			method: 'POST',
			path: '/contacts-whatsapp-app/block',
			body: { chat_wid: '5521988248085@c.us', block: true },
		});
		expect(blocked.items[0].json).toEqual({ success: true, msg: 'Contato bloqueado com sucesso.' });
		expect(sandbox.current.state.blockedContacts).toEqual(['5521988248085@c.us']);

		const unblocked = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'whatsappContact',
				operation: 'block',
				chatId: '5521988248085@c.us',
				block: false,
			},
		});
		expect(unblocked.requests[0].body).toEqual({ chat_wid: '5521988248085@c.us', block: false });
		expect(unblocked.items[0].json.msg).toBe('Contato desbloqueado com sucesso.');
		expect(sandbox.current.state.blockedContacts).toEqual([]);
	});

	it('Block or Unblock: the auth header is the credential apiKey, as on every request', async () => {
		chatOf(sandbox.current.state, '5521988248085@c.us');
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'whatsappContact',
				operation: 'block',
				chatId: '5521988248085',
				block: true,
			},
		});
		// The sandbox refuses requests without the right apiKey header (401), and never logs it.
		expect(result.requests[0].status).toBe(200);
		expect(result.requests[0].headers).not.toHaveProperty('apikey');
	});

	it('Block or Unblock: without a chat with the contact, CRONCRM refuses and the error says why', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'whatsappContact',
				operation: 'block',
				chatId: '5521988248085',
				block: true,
			},
		});
		expect(result.requests[0].status).toBe(404);
		expect(JSON.stringify(result.error)).toContain('conversa iniciada');
	});

	it('Block or Unblock: a malformed chat id stops the item before any request', async () => {
		const result = await runCronCrm(sandbox.current, {
			parameters: {
				resource: 'whatsappContact',
				operation: 'block',
				chatId: 'someone@example.com',
				block: true,
			},
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Contact: expected a phone number or a WhatsApp id ending in @c.us, @g.us, @lid or @jid, got "someone@example.com" (item 0)',
		);
	});
});
