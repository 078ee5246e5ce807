import { RETRY_POLICY, TIMEOUTS } from '../../nodes/CronCrm/transport';
import { runCronCrm } from '../helpers/engine';
import { searchList } from '../helpers/loadOptions';
import { useSandbox } from '../helpers/sandbox';

const sandbox = useSandbox();

const ANA = '5521988248085@c.us';
const BRUNO = '5521977776666@c.us';

const rl = (value: string, mode: 'list' | 'id' = 'list') => ({ __rl: true, mode, value });

/** Runs one Group operation; `parameters` are the operation's own. */
async function group(operation: string, parameters: Record<string, unknown> = {}) {
	return await runCronCrm(sandbox.current, {
		parameters: { resource: 'group', operation, ...parameters },
	});
}

/** A group made through the node with Ana and Bruno; the request log is then cleared. */
async function createGroup(name = 'Customers'): Promise<string> {
	const result = await group('create', {
		name,
		additionalFields: { participants: `${ANA}; ${BRUNO}` },
	});
	expect(result.error).toBeUndefined();
	sandbox.current.requests.length = 0;
	return (result.items[0].json.group as { wid: string }).wid;
}

function groupRow(wid: string) {
	return sandbox.current.state.groups.find((g) => g.chat_wid === wid)!;
}

/** Many groups at once, as the account would already have them. */
function addGroups(count: number) {
	for (let i = 0; i < count; i++) {
		sandbox.current.state.groups.push({
			chat_wid: `1203630000000000${String(i).padStart(2, '0')}@g.us`,
			profile_name: `Group ${String(i + 1).padStart(2, '0')}`,
			is_group: true,
			participants: [],
			admins: [],
		});
	}
}

describe('Group (groups/*)', () => {
	it('Create: POST /groups/create with settings as "0"/"1" and participants joined by ";"', async () => {
		const result = await group('create', {
			name: 'Customers',
			additionalFields: {
				description: 'News for customers',
				announce: '1',
				restrict: '0',
				ephemeralDuration: '1',
				profilePicture: 'https://example.com/group.jpg',
				participants: '+55 (21) 98824-8085, 5521977776666',
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0]).toMatchObject({ method: 'POST', path: '/groups/create' });
		expect(result.requests[0].body).toEqual({
			name: 'Customers',
			description: 'News for customers',
			announce: '1',
			restrict: '0',
			ephemeral_duration: '1',
			profile_picture: 'https://example.com/group.jpg',
			participants: `${ANA};${BRUNO}`,
		});
		const created = result.items[0].json.group as Record<string, unknown>;
		expect(created).toMatchObject({
			wserver: 'g.us',
			description: 'News for customers',
			announce: true,
			restrict: false,
			ephemeral_duration: true,
			participants: [ANA, BRUNO],
			fail_add_participants: [],
		});
		expect(groupRow(String(created.wid))).toMatchObject({ profile_name: 'Customers' });
	});

	it('Create: a picture URL that is not http(s) stops the item before any request', async () => {
		const result = await group('create', {
			name: 'Customers',
			additionalFields: { profilePicture: 'ftp://example.com/group.jpg' },
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Picture URL: expected an http(s) URL, got "ftp://example.com/group.jpg" (item 0)',
		);
	});

	it('Create: a malformed participant stops the item before any request', async () => {
		const result = await group('create', {
			name: 'Customers',
			additionalFields: { participants: `${ANA}; bruno@example.com` },
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Participants: expected a phone number or a WhatsApp id ending in @c.us, @g.us, @lid or @jid, got "bruno@example.com" (item 0)',
		);
	});

	it('Get Many: Return All walks every page of GET /groups/find', async () => {
		addGroups(45);
		const result = await group('getMany', { returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/groups/find', { page: '1' }],
			['GET', '/groups/find', { page: '2' }],
			['GET', '/groups/find', { page: '3' }],
		]);
		expect(result.items).toHaveLength(45);
		expect(result.items[44].json).toMatchObject({ profile_name: 'Group 45', is_group: true });
		expect(result.items[0].json).toHaveProperty('group_announce');
		expect(result.items[0].json).not.toHaveProperty('admins');
	});

	it('Get Many: Limit stops fetching once enough groups arrived', async () => {
		addGroups(45);
		const result = await group('getMany', { returnAll: false, limit: 25 });
		expect(result.items).toHaveLength(25);
		expect(result.requests.map((r) => r.query.page)).toEqual(['1', '2']);
		expect(result.items[24].json.profile_name).toBe('Group 25');
	});

	it('Get Members: GET /groups/get-members pages through the participants of the group picked', async () => {
		const wid = await createGroup();
		const row = groupRow(wid);
		row.participants = Array.from(
			{ length: 42 },
			(_, i) => `55219770000${String(i).padStart(2, '0')}@c.us`,
		);
		const result = await group('getMembers', { groupId: rl(wid), returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.requests.map((r) => [r.method, r.path, r.query])).toEqual([
			['GET', '/groups/get-members', { chat_wid: wid, page: '1' }],
			['GET', '/groups/get-members', { chat_wid: wid, page: '2' }],
			['GET', '/groups/get-members', { chat_wid: wid, page: '3' }],
		]);
		expect(result.items).toHaveLength(42);
		expect(result.items[0].json).toEqual({
			wid: '5521977000000@c.us',
			wuser: '5521977000000',
			wserver: 'c.us',
			name: '',
		});
	});

	it("Get Admins: sends chat_wid (not the description's group_id) and lists the admins", async () => {
		const wid = await createGroup();
		groupRow(wid).admins = [ANA];
		const result = await group('getAdmins', { groupId: rl(wid, 'id'), returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'GET',
			path: '/groups/get-admins',
			query: { chat_wid: wid, page: '1' },
		});
		expect(result.items.map((i) => i.json)).toEqual([
			{ wid: ANA, wuser: '5521988248085', wserver: 'c.us' },
		]);
	});

	it('Update: PUT /groups/change sends chat_wid and only the fields filled', async () => {
		const wid = await createGroup();
		const result = await group('update', {
			groupId: rl(wid),
			additionalFields: { name: 'VIP customers', announce: '1', description: '' },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'PUT', path: '/groups/change' });
		expect(result.requests[0].body).toEqual({
			chat_wid: wid,
			name: 'VIP customers',
			announce: '1',
		});
		expect(result.items[0].json).toMatchObject({
			success: true,
			group: {
				name: { success: true, msg: 'Nome do grupo alterado com sucesso.' },
				announce: { success: true },
				description: null,
				profile_picture: null,
			},
		});
		expect(groupRow(wid)).toMatchObject({ profile_name: 'VIP customers', group_announce: true });
	});

	it('Get Invite Link, Get Info From Invite Link, Leave and Join: the link leads back to the group', async () => {
		const wid = await createGroup('Book club');
		const linked = await group('getInviteLink', { groupId: rl(wid) });
		expect(linked.error).toBeUndefined();
		expect(linked.requests[0]).toMatchObject({
			method: 'GET',
			path: '/groups/get-invite-link',
			query: { chat_wid: wid },
		});
		const link = String(linked.items[0].json.link);
		expect(link).toMatch(/^https:\/\/chat\.whatsapp\.com\/\w+$/);

		const info = await group('getInviteLinkInfo', { inviteLink: link });
		expect(info.requests[0]).toMatchObject({
			method: 'GET',
			path: '/groups/get-info-from-invite-link',
			query: { invite_link: link },
		});
		expect(info.items[0].json).toMatchObject({
			success: true,
			group: { wid, name: 'Book club', size: 2 },
		});

		const left = await group('leave', { groupId: rl(wid) });
		expect(left.requests[0]).toMatchObject({
			method: 'PUT',
			path: '/groups/leave',
			body: { chat_wid: wid },
		});
		expect(left.items[0].json.msg).toBe('Saída de grupo realizada com sucesso.');
		expect(groupRow(wid).group_out).toBe(true);

		const joined = await group('join', { inviteLink: link });
		expect(joined.error).toBeUndefined();
		expect(joined.requests[0]).toMatchObject({
			method: 'POST',
			path: '/groups/join',
			body: { invite_link: link },
		});
		expect(joined.items[0].json).toMatchObject({
			msg: 'Você entrou no grupo com sucesso.',
			group: { wid, wserver: 'g.us' },
		});
		expect(groupRow(wid).group_out).toBe(false);
	});

	it('Join: an invite link without http(s) stops the item before any request', async () => {
		const result = await group('join', { inviteLink: 'chat.whatsapp.com/AbCdEf' });
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Invite Link: expected an http(s) URL, got "chat.whatsapp.com/AbCdEf" (item 0)',
		);
	});

	it('Add or Remove Participant: type add/del with a formatted phone as contact_wid', async () => {
		const wid = await createGroup();
		const added = await group('addRemoveParticipant', {
			groupId: rl(wid),
			participant: '+55 11 91234-5678',
			type: 'add',
		});
		expect(added.error).toBeUndefined();
		expect(added.requests[0]).toMatchObject({
			method: 'PUT',
			path: '/groups/add-remove-participant',
		});
		expect(added.requests[0].body).toEqual({
			chat_wid: wid,
			contact_wid: '5511912345678@c.us',
			type: 'add',
		});
		expect(added.items[0].json.msg).toBe('Participante adicionado com sucesso.');
		expect(groupRow(wid).participants).toEqual([ANA, BRUNO, '5511912345678@c.us']);

		const removed = await group('addRemoveParticipant', {
			groupId: rl(wid),
			participant: BRUNO,
			type: 'del',
		});
		expect(removed.requests[0].body).toEqual({ chat_wid: wid, contact_wid: BRUNO, type: 'del' });
		expect(removed.items[0].json.msg).toBe('Participante removido com sucesso.');
		expect(groupRow(wid).participants).toEqual([ANA, '5511912345678@c.us']);
	});

	it('Promote or Demote Admin: type promote/demote', async () => {
		const wid = await createGroup();
		const promoted = await group('promoteDemoteAdmin', {
			groupId: rl(wid),
			participant: ANA,
			type: 'promote',
		});
		expect(promoted.error).toBeUndefined();
		expect(promoted.requests[0]).toMatchObject({
			method: 'PUT',
			path: '/groups/promote-demote-admins',
			body: { chat_wid: wid, contact_wid: ANA, type: 'promote' },
		});
		expect(promoted.items[0].json.msg).toBe('Participante promovido com sucesso.');
		expect(groupRow(wid).admins).toEqual([ANA]);

		const demoted = await group('promoteDemoteAdmin', {
			groupId: rl(wid),
			participant: ANA,
			type: 'demote',
		});
		expect(demoted.requests[0].body).toEqual({ chat_wid: wid, contact_wid: ANA, type: 'demote' });
		expect(demoted.items[0].json.msg).toBe('Participante despromovido com sucesso.');
		expect(groupRow(wid).admins).toEqual([]);
	});

	it('Send Mentions with Skip If Already Sent: the same text to the group again is skipped', async () => {
		const wid = await createGroup();
		const mention = {
			groupId: rl(wid),
			message: 'Reunião amanhã às 10h, @5521988248085',
			mentions: '+55 21 98824-8085',
			skipIfAlreadySent: true,
		};
		const first = await group('sendMentions', mention);
		expect(first.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /messages/find',
			'POST /groups/send-mentions',
		]);
		const again = await group('sendMentions', mention);
		expect(again.error).toBeUndefined();
		expect(again.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /messages/find']);
		expect(again.items[0].json).toMatchObject({ skipped: true, chat: { chat_wid: wid } });
	});

	it('Send Mentions: Deliver Immediately adds the toTransmit header; mentions become ids', async () => {
		const wid = await createGroup();
		sandbox.current.state.accounts.push({ name: 'Carla', access_token: 'user-carla' });
		const result = await group('sendMentions', {
			groupId: rl(wid),
			message: 'Hi @5521988248085 and @5521977776666',
			mentions: '+55 21 98824-8085\n5521977776666',
			deliverImmediately: true,
			additionalFields: { user: rl('user-carla') },
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({ method: 'POST', path: '/groups/send-mentions' });
		expect(result.requests[0].headers.totransmit).toBe('true');
		expect(result.requests[0].body).toEqual({
			chat_wid: wid,
			message: 'Hi @5521988248085 and @5521977776666',
			mentions: `${ANA},${BRUNO}`,
			account_access_token: 'user-carla',
		});
		expect(result.items[0].json).toMatchObject({
			msg: 'Mensagem salva com sucesso.',
			chat: { chat_wid: wid, customer_service_status_id: 5 },
			message: {
				contact_wid: wid,
				message_body: 'Hi @5521988248085 and @5521977776666',
				message_mentioneds: `${ANA},${BRUNO}`,
				message_reply: false,
				shipping_status: 'sent',
			},
		});
	});

	it('Send Mentions: without Deliver Immediately no header is sent and the message is queued', async () => {
		const wid = await createGroup();
		const result = await group('sendMentions', {
			groupId: rl(wid),
			message: 'Hi @5521988248085',
			mentions: ANA,
		});
		expect(result.requests[0].headers).not.toHaveProperty('totransmit');
		expect(result.requests[0].body).toEqual({
			chat_wid: wid,
			message: 'Hi @5521988248085',
			mentions: ANA,
		});
		expect(result.items[0].json).toMatchObject({
			chat: { customer_service_status_id: 4 },
			message: { shipping_status: 'queued' },
		});
	});

	it('Send Mentions: a malformed mention stops the item before any request', async () => {
		const wid = await createGroup();
		const result = await group('sendMentions', {
			groupId: rl(wid),
			message: 'Hi',
			mentions: 'ana',
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Mentions: expected a phone number with country and area code, got "ana" (item 0)',
		);
	});

	it('Reply With Mention: answers a message of the group, mentioning a participant', async () => {
		const wid = await createGroup();
		const first = await group('sendMentions', {
			groupId: rl(wid),
			message: 'Hi @5521988248085',
			mentions: ANA,
		});
		const original = (first.items[0].json.message as { access_token: string }).access_token;

		const result = await group('replyWithMention', {
			groupId: rl(wid),
			replyTo: original,
			message: 'Welcome @5521977776666',
			mentions: BRUNO,
			deliverImmediately: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.requests[0]).toMatchObject({
			method: 'POST',
			path: '/groups/send-message-reply-with-mention',
		});
		expect(result.requests[0].headers.totransmit).toBe('true');
		expect(result.requests[0].body).toEqual({
			chat_wid: wid,
			message_reply_access_token: original,
			message: 'Welcome @5521977776666',
			mentions: BRUNO,
		});
		expect(result.items[0].json).toMatchObject({
			message: {
				message_reply: true,
				message_mentioneds: BRUNO,
				message_reply_message: { access_token: original, message_body: 'Hi @5521988248085' },
			},
		});
	});

	it('Reply With Mention: a message token of another chat is refused by the API', async () => {
		const wid = await createGroup();
		const result = await group('replyWithMention', {
			groupId: rl(wid),
			replyTo: 'no-such-message',
			message: 'Hi',
			mentions: ANA,
		});
		expect(result.requests).toHaveLength(1);
		expect(result.requests[0].status).toBe(404);
		expect(result.error?.message).toContain('Mensagem');
	});

	it('Group dropdown (searchGroups): group names and ids; groups/find has no name filter, so the page is filtered here', async () => {
		addGroups(23);
		const first = await searchList(sandbox.current, 'searchGroups');
		expect(first.results).toHaveLength(20);
		expect(first.results[0]).toEqual({ name: 'Group 01', value: '120363000000000000@g.us' });
		expect(first.paginationToken).toBe('2');
		const filtered = await searchList(sandbox.current, 'searchGroups', { filter: 'group 03' });
		expect(filtered.results).toEqual([{ name: 'Group 03', value: '120363000000000002@g.us' }]);
		expect(sandbox.current.requests.map((r) => [r.path, r.query])).toEqual([
			['/groups/find', { page: '1' }],
			['/groups/find', { page: '1' }],
		]);
	});

	it.each([
		['a name', 'not a group'],
		['a person', '5521988248085@c.us'],
	])('a group given by ID that is %s stops the item before any request', async (_, value) => {
		const result = await group('leave', { groupId: rl(value, 'id') });
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(
			/^Group: expected a group id ending in @g\.us, got ".*" \(item 0\)$/,
		);
	});

	it('Create: participants WhatsApp refuses are listed in partialFailures; the group is still created', async () => {
		sandbox.current.state.blockedContacts.push(BRUNO);
		const result = await group('create', {
			name: 'Customers',
			additionalFields: { participants: `${ANA}; ${BRUNO}` },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			success: true,
			group: { participants: [ANA], fail_add_participants: [BRUNO] },
			partialFailures: [`not added to the group: ${BRUNO}`],
		});
		expect(sandbox.current.state.groups).toHaveLength(1);
	});

	it('Create: nothing failed, no partialFailures', async () => {
		const result = await group('create', {
			name: 'Customers',
			additionalFields: { participants: ANA },
		});
		expect(result.items[0].json).not.toHaveProperty('partialFailures');
	});

	it('Create: "Fail on Partial Failure" fails the item instead, naming who was not added', async () => {
		sandbox.current.state.blockedContacts.push(BRUNO);
		const result = await group('create', {
			name: 'Customers',
			additionalFields: { participants: `${ANA}; ${BRUNO}` },
			failOnPartialFailure: true,
		});
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toBe(
			`CRONCRM did part of it: not added to the group: ${BRUNO} (item 0)`,
		);
		expect(result.error?.description).toContain('the rest of the request was done');
	});

	it('Update: a field CRONCRM did not change is listed in partialFailures, the others still apply', async () => {
		const wid = await createGroup();
		// Only admins edit this group's data, and the account is not one of them.
		Object.assign(groupRow(wid), { group_restrict: true, group_you_it_is_admin: false });
		const result = await group('update', {
			groupId: rl(wid),
			additionalFields: { name: 'VIP customers', description: 'Our best' },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			success: true,
			group: { name: { success: false }, description: { success: false } },
			partialFailures: [
				'name not changed: Você precisa ser administrador do grupo.',
				'description not changed: Você precisa ser administrador do grupo.',
			],
		});

		const strict = await group('update', {
			groupId: rl(wid),
			additionalFields: { name: 'VIP customers' },
			failOnPartialFailure: true,
		});
		expect(strict.error?.message).toBe(
			'CRONCRM did part of it: name not changed: Você precisa ser administrador do grupo. (item 0)',
		);
	});

	describe('groups/find is slow with many groups: it gets the long timeout', () => {
		const saved = { ...TIMEOUTS };
		const backoff = RETRY_POLICY.backoffMs;
		// Scaled down so the test takes a second: what matters is which timeout applies.
		beforeAll(() => Object.assign(TIMEOUTS, { defaultMs: 200, slowMs: 20_000 }));
		afterAll(() => Object.assign(TIMEOUTS, saved));
		beforeAll(() => (RETRY_POLICY.backoffMs = 20));
		afterAll(() => (RETRY_POLICY.backoffMs = backoff));
		const holdEvery = (route: string) => () => {
			sandbox.current.faults = (request) =>
				request.route === route ? { kind: 'slow', holdMs: 1000 } : undefined;
		};

		it('Get Many waits for a reply slower than the default timeout', async () => {
			addGroups(3);
			holdEvery('GET /groups/find')();
			const result = await group('getMany', { returnAll: true });
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(3);
		});

		it('The Group dropdown waits too', async () => {
			addGroups(3);
			holdEvery('GET /groups/find')();
			const found = await searchList(sandbox.current, 'searchGroups');
			expect(found.results).toHaveLength(3);
		});

		it('Another search as slow times out under the default timeout', async () => {
			const wid = await createGroup();
			holdEvery('GET /groups/get-members')();
			const result = await group('getMembers', { groupId: rl(wid), returnAll: true });
			expect(result.error?.message).toBe(
				'No reply from CRONCRM on GET /groups/get-members (timed out waiting for the reply)',
			);
		});
	});

	it('Group dropdown: a name filter looks past the first page, since groups/find cannot filter', async () => {
		addGroups(23);
		const found = await searchList(sandbox.current, 'searchGroups', { filter: 'Group 22' });
		expect(found.results).toEqual([{ name: 'Group 22', value: '120363000000000021@g.us' }]);
		expect(sandbox.current.requests.map((r) => r.query.page)).toEqual(['1', '2']);
	});

	it('Send Mentions: a group among the mentions stops the item', async () => {
		const wid = await createGroup();
		const result = await group('sendMentions', {
			groupId: rl(wid),
			message: 'Hi',
			mentions: `${ANA}, 120363000000000001@g.us`,
		});
		expect(result.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Mentions: expected a person (phone number, @c.us, @lid or @jid), not a group, got "120363000000000001@g.us" (item 0)',
		);
	});
});
