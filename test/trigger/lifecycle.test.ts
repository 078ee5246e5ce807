import type { IDataObject } from 'n8n-workflow';

import { RETRY_POLICY } from '../../nodes/CronCrm/transport';
import { withoutQuery } from '../../nodes/CronCrmTrigger/triggerUrl';
import { newInstance } from '../../sandbox/handlers/instance';
import type { Fault } from '../../sandbox/server';
import type { Row } from '../../sandbox/state';
import { useSandbox } from '../helpers/sandbox';
import {
	ALL_HOOKS,
	emptyMeansUnchanged,
	fire,
	useWebhookServer,
	type Trigger,
} from '../helpers/trigger';

const sandbox = useSandbox();
const server = useWebhookServer();

// The transport's retries of failed reads, without the real backoff's seconds.
const defaultBackoff = RETRY_POLICY.backoffMs;
beforeAll(() => (RETRY_POLICY.backoffMs = 5));
afterAll(() => (RETRY_POLICY.backoffMs = defaultBackoff));

const SLOTS = [
	'message',
	'incomingCall',
	'stateChanged',
	'qrcode',
	'liveLocation',
	'participantsChanged',
	'addedToGroup',
];

/** An instance in the sandbox account, with some slots already set by the user. */
function seedInstance(webhooks: Record<string, string> = {}) {
	const instance = newInstance('Vendas', 1);
	Object.assign(instance.webhooks as object, webhooks);
	sandbox.current.state.instances.push(instance);
	return instance;
}

function slotsOf(instance: Row) {
	return { ...(instance.webhooks as Record<string, string>) };
}

function trigger(
	token: string,
	events: string[],
	options: IDataObject = {},
	webhookId?: string,
): Trigger {
	return server.current.addTrigger(sandbox.current, {
		webhookId,
		parameters: { instance: { __rl: true, mode: 'list', value: token }, events, options },
	});
}

/** The URL the trigger wrote into a slot (read from CRONCRM, the only record there is). */
function registeredIn(instance: Row, slot = 'message'): string {
	return (instance.webhooks as Record<string, string>)[slot];
}

const SECRET_ONLY = (t: Trigger) => new RegExp(`^${t.url()}\\?croncrm_secret=[A-Za-z0-9_-]{43}$`);

describe('CRONCRM Trigger: registration (webhookMethods)', () => {
	it('activation writes the URL with a secret into exactly the slots of the chosen events; deactivation empties them', async () => {
		const instance = seedInstance();
		const token = instance.access_token as string;
		const t = trigger(token, ['onReceived', 'onAck', 'onStateChanged']);

		expect(await t.activate()).toBe(true);
		const registered = registeredIn(instance);
		// Empty slots before: nothing to put back, so no undo record in the URL.
		expect(registered).toMatch(SECRET_ONLY(t));
		// Nothing is kept in n8n: the slots are the record.
		expect(t.staticData()).toEqual({});
		expect(slotsOf(instance)).toEqual({
			message: registered,
			incomingCall: '',
			stateChanged: registered,
			qrcode: '',
			liveLocation: '',
			participantsChanged: '',
			addedToGroup: '',
		});
		const writes = sandbox.current.requests.filter((r) => r.method === 'PUT');
		expect(writes).toHaveLength(1);
		expect(writes[0]).toMatchObject({
			path: '/instances/change',
			body: { access_token: token, webhookMessage: registered, webhookStateChanged: registered },
		});
		expect(Object.keys(writes[0].body).sort()).toEqual([
			'access_token',
			'webhookMessage',
			'webhookStateChanged',
		]);
		// Read back after writing.
		expect(sandbox.current.requests.at(-1)).toMatchObject({
			method: 'GET',
			path: '/instances/find',
			query: { access_token: token },
		});

		// n8n restarting: checkExists finds the registration in place and nothing is written.
		sandbox.current.requests.length = 0;
		expect(await t.activate()).toBe(false);
		expect(sandbox.current.requests.map((r) => r.method)).toEqual(['GET']);

		sandbox.current.requests.length = 0;
		await t.deactivate();
		expect(Object.values(slotsOf(instance)).every((url) => url === '')).toBe(true);
		// Read, put back, read back to check that CRONCRM did clear the slots.
		expect(sandbox.current.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /instances/find',
			'PUT /instances/change',
			'GET /instances/find',
		]);
		expect(sandbox.current.requests[1].body).toEqual({
			access_token: token,
			webhookMessage: '',
			webhookStateChanged: '',
		});
		expect(await t.checkExists()).toBe(false);
	});

	it('if CRONCRM keeps a slot that was sent empty, deactivation puts the other slots back and fails naming the slot', async () => {
		const user = 'https://erp.example.com/croncrm/calls';
		const instance = seedInstance({ incomingCall: user });
		const t = trigger(instance.access_token as string, ['onReceived', 'IncomingCall']);
		await t.activate();
		const registered = registeredIn(instance);
		// As auth/login's description says of its webhook fields: empty means "leave unchanged".
		await emptyMeansUnchanged(sandbox.current);
		sandbox.current.requests.length = 0;

		const error = await t.deactivate().catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toBe(
			'CRONCRM still sends events of instance "Vendas" to this trigger: Message Webhook URL (webhookMessage) kept the n8n URL after it was cleared',
		);
		expect((error as { description?: string }).description).toContain(
			"Clear the slot in CRONCRM's UI",
		);
		expect((error as Error).message).not.toContain(new URL(registered).search);
		// The slot with something to put back was put back; only the emptied one stayed.
		expect(slotsOf(instance)).toMatchObject({ message: registered, incomingCall: user });
		expect(sandbox.current.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /instances/find',
			'PUT /instances/change',
			'GET /instances/find',
		]);
	});

	it("the user's URLs travel encrypted in the registered URL and are put back on deactivation", async () => {
		const before = {
			message: 'https://erp.example.com/croncrm/messages?token=user-secret',
			incomingCall: 'https://erp.example.com/croncrm/calls',
			qrcode: 'https://erp.example.com/croncrm/qr',
		};
		const instance = seedInstance(before);
		const snapshot = slotsOf(instance);
		const t = trigger(instance.access_token as string, [
			'onReceived',
			'IncomingCall',
			'onAddedToGroup',
		]);

		await t.activate();
		const message = new URL(registeredIn(instance, 'message'));
		const calls = new URL(registeredIn(instance, 'incomingCall'));
		expect(message.searchParams.get('croncrm_undo')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
		// Not readable in the URL: the user's own webhook token stays private.
		expect(message.toString()).not.toContain('user-secret');
		expect(message.toString()).not.toContain('erp.example.com');
		// One secret for the node; each slot carries its own record.
		expect(calls.searchParams.get('croncrm_secret')).toBe(
			message.searchParams.get('croncrm_secret'),
		);
		expect(registeredIn(instance, 'addedToGroup')).toMatch(SECRET_ONLY(t));
		expect(slotsOf(instance).qrcode).toBe(before.qrcode);

		await t.deactivate();
		expect(slotsOf(instance)).toEqual(snapshot);
	});

	it("an undo record copied into another slot is not accepted there: the slot is emptied, not given another slot's URL", async () => {
		const instance = seedInstance({ message: 'https://erp.example.com/m' });
		const t = trigger(instance.access_token as string, ['onReceived', 'IncomingCall']);
		await t.activate();
		(instance.webhooks as Record<string, string>).incomingCall = registeredIn(instance, 'message');
		await t.deactivate();
		expect(slotsOf(instance)).toMatchObject({
			message: 'https://erp.example.com/m',
			incomingCall: '',
		});
	});

	it("another workflow's trigger URL in a slot makes activation fail, naming the slot and the URL; nothing is written", async () => {
		const instance = seedInstance();
		const token = instance.access_token as string;
		const first = trigger(token, ['onReceived'], {}, 'first-trigger');
		await first.activate();
		const firstUrl = registeredIn(instance);
		const snapshot = slotsOf(instance);
		sandbox.current.requests.length = 0;

		const second = trigger(token, ['onAck', 'onQrcode'], {}, 'second-trigger');
		const error = await second.activate().catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toBe(
			`Instance "Vendas" already sends these events to another workflow's CRONCRM Trigger: Message Webhook URL (webhookMessage) holds ${first.url()}?croncrm_secret=***`,
		);
		expect((error as Error).message).not.toContain(new URL(firstUrl).search);
		expect(sandbox.current.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
		expect(slotsOf(instance)).toEqual(snapshot);

		// n8n cleans up after a failed activation: that must not touch the first trigger's slot.
		await second.deactivate();
		expect(slotsOf(instance)).toEqual(snapshot);
	});

	it("Take Over Slots takes the other trigger's slot and gives it back on deactivation", async () => {
		const instance = seedInstance();
		const token = instance.access_token as string;
		const first = trigger(token, ['onReceived'], {}, 'first-trigger');
		await first.activate();
		const firstUrl = registeredIn(instance);

		const second = trigger(token, ['onAck'], { takeOver: true }, 'second-trigger');
		await second.activate();
		expect(withoutQuery(registeredIn(instance))).toBe(second.url());

		await second.deactivate();
		expect(slotsOf(instance).message).toBe(firstUrl);
		await first.deactivate();
		expect(slotsOf(instance).message).toBe('');
	});

	it('test mode registers the test URL and puts the production URL back afterwards', async () => {
		const instance = seedInstance({ stateChanged: 'https://erp.example.com/state' });
		const snapshot = slotsOf(instance);
		const t = trigger(instance.access_token as string, ['onReceived', 'onStateChanged']);

		await t.activate('production');
		const production = slotsOf(instance);
		await t.activate('test');
		const test = registeredIn(instance);
		expect(test.startsWith(`${t.url('test')}?`)).toBe(true);
		expect(slotsOf(instance).stateChanged.startsWith(`${t.url('test')}?`)).toBe(true);

		await t.deactivate('test');
		expect(slotsOf(instance)).toEqual(production);
		await t.deactivate('production');
		expect(slotsOf(instance)).toEqual(snapshot);
	});

	it('test mode alone cleans up after itself', async () => {
		const instance = seedInstance({ message: 'https://erp.example.com/m' });
		const snapshot = slotsOf(instance);
		const t = trigger(instance.access_token as string, ['onSender']);
		await t.activate('test');
		expect(slotsOf(instance).message.startsWith(t.url('test'))).toBe(true);
		await t.deactivate('test');
		expect(slotsOf(instance)).toEqual(snapshot);
	});

	it('changing the events re-registers: checkExists is false, old slots are put back, new ones written', async () => {
		const instance = seedInstance({ qrcode: 'https://erp.example.com/qr' });
		const snapshot = slotsOf(instance);
		const t = trigger(instance.access_token as string, ['onQrcode']);
		await t.activate();
		t.setParameters({ ...t.node.parameters, events: ['onLiveLocation'] });
		expect(await t.checkExists()).toBe(false);
		await t.activate();
		expect(slotsOf(instance)).toMatchObject({
			qrcode: 'https://erp.example.com/qr',
			liveLocation: expect.stringMatching(SECRET_ONLY(t)),
		});
		await t.deactivate();
		expect(slotsOf(instance)).toEqual(snapshot);
	});

	it('a slot changed by someone else while active is left alone on deactivation', async () => {
		const instance = seedInstance();
		const t = trigger(instance.access_token as string, ['onReceived', 'IncomingCall']);
		await t.activate();
		(instance.webhooks as Record<string, string>).incomingCall =
			'https://someone.example.com/calls';
		await t.deactivate();
		expect(slotsOf(instance)).toMatchObject({
			message: '',
			incomingCall: 'https://someone.example.com/calls',
		});
	});

	it('an unknown instance fails activation with a clear message', async () => {
		const t = trigger('2025doesnotexist0729', ['onReceived']);
		await expect(t.activate()).rejects.toThrow(
			'CRONCRM has no instance with access token "2025doesnotexist0729"',
		);
		expect(sandbox.current.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
	});

	it('no events chosen: activation fails before any request', async () => {
		const instance = seedInstance();
		const t = trigger(instance.access_token as string, []);
		await expect(t.activate()).rejects.toThrow('Choose at least one event to listen to');
		expect(sandbox.current.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
	});

	it('an invalid entry in Only These Chats fails activation, naming the option', async () => {
		const instance = seedInstance();
		const t = trigger(instance.access_token as string, ['onReceived'], {
			onlyChats: '5521988248085, bob',
		});
		await expect(t.activate()).rejects.toThrow(
			'Only These Chats: expected a phone number with country and area code, got "bob"',
		);
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('if CRONCRM does not keep the URL, activation fails and the slots are put back', async () => {
		const instance = seedInstance({ message: 'https://erp.example.com/m' });
		const snapshot = slotsOf(instance);
		// The write is acknowledged but the read-back shows the old value, as if CRONCRM dropped it.
		let phase: 'before' | 'written' | 'done' = 'before';
		sandbox.current.faults = ({ route }) => {
			if (route === 'PUT /instances/change' && phase === 'before') phase = 'written';
			else if (route === 'GET /instances/find' && phase === 'written') {
				phase = 'done';
				(instance.webhooks as Record<string, string>).message = 'https://erp.example.com/m';
			}
			return undefined;
		};
		const t = trigger(instance.access_token as string, ['onReceived']);
		await expect(t.activate()).rejects.toThrow(
			'CRONCRM did not keep the webhook URL in webhookMessage of instance "Vendas"',
		);
		sandbox.current.faults = undefined;
		expect(slotsOf(instance)).toEqual(snapshot);
	});

	it.each<[string, (route: string, written: boolean) => Fault | undefined]>([
		[
			'the read-back after the write fails',
			// Every attempt of the read-back (the transport retries GETs) gets a 500.
			(route, written) =>
				written && route === 'GET /instances/find' ? { kind: '500' } : undefined,
		],
		[
			'the write is processed but its reply fails',
			(route, written) =>
				!written && route === 'PUT /instances/change' ? { kind: '500', when: 'after' } : undefined,
		],
	])(
		"if %s, activation puts the user's URL back and fails with the original error",
		async (_label, fault) => {
			const user = 'https://erp.example.com/m';
			const instance = seedInstance({ message: user });
			const snapshot = slotsOf(instance);
			const token = instance.access_token as string;
			let written = false;
			sandbox.current.faults = ({ route }) => {
				const planned = fault(route, written);
				if (route === 'PUT /instances/change') written = true;
				return planned;
			};
			const t = trigger(token, ['onReceived']);
			await expect(t.activate()).rejects.toThrow('CRONCRM: Erro interno.');
			sandbox.current.faults = undefined;

			expect(slotsOf(instance)).toEqual(snapshot);
			const writes = sandbox.current.requests.filter((r) => r.method === 'PUT');
			expect(writes.map((r) => r.body)).toEqual([
				{
					access_token: token,
					webhookMessage: expect.stringMatching(new RegExp(`^${t.url()}\\?croncrm_secret=`)),
				},
				{ access_token: token, webhookMessage: user },
			]);
		},
	);

	it('the sandbox fires into the registered slot, and answers 409 once the slot is empty again', async () => {
		const instance = seedInstance();
		const t = trigger(instance.access_token as string, ['onStateChanged']);
		await t.activate();
		const delivered = await fire(sandbox.current, 'Vendas', 'onStateChanged');
		expect(delivered).toMatchObject({
			httpStatus: 200,
			success: true,
			status: 200,
			delivered: true,
		});
		expect(t.executions).toHaveLength(1);
		await t.deactivate();
		const refused = await fire(sandbox.current, instance.access_token as string, 'onStateChanged');
		expect(refused.httpStatus).toBe(409);
		expect(t.executions).toHaveLength(1);
		expect(sandbox.current.state.hookDeliveries.map((d) => d.status)).toEqual([200]);
	});

	it('every slot is as before after activating and deactivating with all nine events', async () => {
		const before = Object.fromEntries(
			SLOTS.map((slot, i) => [slot, i % 2 ? `https://erp.example.com/${slot}` : '']),
		);
		const instance = seedInstance(before);
		const t = trigger(instance.access_token as string, ALL_HOOKS);
		await t.activate();
		expect(Object.values(slotsOf(instance)).every((url) => url.startsWith(`${t.url()}?`))).toBe(
			true,
		);
		await t.deactivate();
		expect(slotsOf(instance)).toEqual(before);
	});
});

describe('CRONCRM Trigger: activation holds no state (n8n 2.x publishes in the background; queue mode)', () => {
	const user = {
		message: 'https://erp.example.com/croncrm/messages',
		stateChanged: 'https://erp.example.com/croncrm/state',
	};

	it("create run twice (or after a lost save) neither fails nor takes its own URL for the user's; deactivation restores the user's URLs", async () => {
		const instance = seedInstance(user);
		const snapshot = slotsOf(instance);
		const t = trigger(instance.access_token as string, ['onReceived', 'onStateChanged']);
		await t.create();
		const first = slotsOf(instance);
		t.forgetStaticData();
		await t.create();
		await t.create();
		// Same URLs in spirit: same secret, same user's URL inside (the records are re-encrypted).
		expect(new URL(registeredIn(instance)).searchParams.get('croncrm_secret')).toBe(
			new URL(first.message).searchParams.get('croncrm_secret'),
		);
		expect(await t.checkExists()).toBe(true);
		await t.deactivate();
		expect(slotsOf(instance)).toEqual(snapshot);
	});

	it('deactivation restores the slots although the static data of activation was never saved', async () => {
		const instance = seedInstance(user);
		const snapshot = slotsOf(instance);
		const t = trigger(instance.access_token as string, ['onReceived', 'onStateChanged']);
		await t.activate();
		t.forgetStaticData();
		await t.deactivate();
		expect(slotsOf(instance)).toEqual(snapshot);
	});

	it('an event fired the moment the slot holds the URL is accepted, with no static data at all', async () => {
		const instance = seedInstance();
		const t = trigger(instance.access_token as string, ['onReceived']);
		// The sandbox fires from inside instances/change's read-back: as early as CRONCRM could.
		let fired: Promise<Awaited<ReturnType<typeof fire>>> | undefined;
		sandbox.current.faults = ({ route }) => {
			if (route === 'GET /instances/find' && registeredIn(instance) !== '' && !fired) {
				fired = fire(sandbox.current, instance.access_token as string, 'onReceived');
			}
			return undefined;
		};
		t.forgetStaticData();
		await t.activate();
		sandbox.current.faults = undefined;
		expect(fired).toBeDefined();
		expect(await fired).toMatchObject({ status: 200, delivered: true });
		expect(t.executions).toHaveLength(1);
		expect(t.staticData()).toEqual({});
	});

	it('a new API key gives a new secret: the old URL is refused until activation writes the new one', async () => {
		const instance = seedInstance();
		sandbox.current.options.apiKeys.push('second-key');
		const t = trigger(instance.access_token as string, ['onReceived']);
		await t.activate();
		const old = registeredIn(instance);
		t.credentials.apiKey = 'second-key';
		expect((await fire(sandbox.current, 'Vendas', 'onReceived')).status).toBe(401);
		expect(t.executions).toHaveLength(0);
		expect(await t.checkExists()).toBe(false);
		expect(await t.activate()).toBe(true);
		expect(registeredIn(instance)).not.toBe(old);
		expect((await fire(sandbox.current, 'Vendas', 'onReceived')).status).toBe(200);
		expect(t.executions).toHaveLength(1);
		await t.deactivate();
		expect(registeredIn(instance)).toBe('');
	});

	it('production activated while a test listens: the test ends without touching production; deactivation gives the user back the slot', async () => {
		const instance = seedInstance(user);
		const snapshot = slotsOf(instance);
		const t = trigger(instance.access_token as string, ['onReceived']);
		await t.activate('test');
		await t.activate('production');
		const production = registeredIn(instance);
		expect(production.startsWith(`${t.url()}?`)).toBe(true);
		await t.deactivate('test');
		expect(registeredIn(instance)).toBe(production);
		await t.deactivate('production');
		expect(slotsOf(instance)).toEqual(snapshot);
	});

	it('production deactivated while a test listens: the test ends by giving the user back the slot, not the dead production URL', async () => {
		const instance = seedInstance(user);
		const snapshot = slotsOf(instance);
		const t = trigger(instance.access_token as string, ['onReceived']);
		await t.activate('production');
		await t.activate('test');
		await t.deactivate('production');
		expect(registeredIn(instance).startsWith(`${t.url('test')}?`)).toBe(true);
		await t.deactivate('test');
		expect(slotsOf(instance)).toEqual(snapshot);
	});
});

describe('CRONCRM Trigger: going live', () => {
	it.each(['production', 'test'] as const)(
		'%s: a remote CRONCRM with n8n on a loopback URL fails before any request, saying to set WEBHOOK_URL',
		async (mode) => {
			const instance = seedInstance();
			const t = server.current.addTrigger(sandbox.current, {
				parameters: {
					instance: { __rl: true, mode: 'list', value: instance.access_token },
					events: ['onReceived'],
					options: {},
				},
				credentials: { baseUrl: 'https://croncrm.com/api/v2' },
			});
			const error = await t.create(mode).catch((e: Error) => e);
			expect(error).toBeInstanceOf(Error);
			expect((error as Error).message).toBe(
				`CRONCRM cannot reach this trigger's URL ${t.url(mode)}: 127.0.0.1 is a loopback, private-network or local-only address`,
			);
			expect((error as { description?: string }).description).toContain(
				"Set n8n's WEBHOOK_URL environment variable to the public https address",
			);
			expect(sandbox.current.requests).toHaveLength(0);
		},
	);
});
