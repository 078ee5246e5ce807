import type { HandlerResult, RouteTable } from '../server';
import { newToken, page, phpDate, type Row, type SandboxState } from '../state';
import { byToken, byTokenOrName, fail, notFound, ok, removeByToken } from './common';

/**
 * The seven webhook slots: the field a request sets (webhookMessage...) and the key under which
 * instances/find shows it (webhooks.message...). Written out here rather than imported from the
 * node, so that the sandbox stays an independent reading of the collection.
 */
export const SLOT_FIELDS: Record<string, string> = {
	webhookMessage: 'message',
	webhookIncomingCall: 'incomingCall',
	webhookStateChanged: 'stateChanged',
	webhookQrcode: 'qrcode',
	webhookLiveLocation: 'liveLocation',
	webhookParticipantsChanged: 'participantsChanged',
	webhookAddedToGroup: 'addedToGroup',
};

/** A slot holds '' (nothing) or an http(s) URL; anything else is refused, naming the field. */
function badSlot(body: Record<string, unknown>): HandlerResult | undefined {
	for (const field of Object.keys(SLOT_FIELDS)) {
		const value = body[field];
		if (value === undefined || value === '') continue;
		const text = String(value);
		if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
			return fail(422, `URL inválida em ${field}. (${field} must be an http(s) URL)`);
		}
	}
	return undefined;
}

/**
 * Accounts (sandbox states) whose instances/change treats '' as "leave unchanged". The collection
 * says so of auth/login's webhook fields and is silent about instances/change, so both readings
 * are playable. Keyed by the state object, so a sandbox reset turns it off.
 */
const emptyMeansUnchanged = new WeakSet<SandboxState>();

export function setEmptyMeansUnchanged(state: SandboxState, enabled: boolean) {
	if (enabled) emptyMeansUnchanged.add(state);
	else emptyMeansUnchanged.delete(state);
}

/** Copies the slot fields present in the body; '' empties a slot, absent fields leave it. */
function applySlots(instance: Row, body: Record<string, unknown>, keepOnEmpty = false) {
	const webhooks = instance.webhooks as Record<string, string>;
	for (const [field, key] of Object.entries(SLOT_FIELDS)) {
		if (body[field] === undefined || (keepOnEmpty && body[field] === '')) continue;
		webhooks[key] = String(body[field]);
	}
}

/** Finds an instance by access_token, or by exact name (for the sandbox's own control routes). */
export function instanceOf(rows: Row[], tokenOrName: unknown): Row | undefined {
	return byToken(rows, tokenOrName) ?? rows.find((row) => row.name === tokenOrName);
}

/** An instance's seven slots, all empty. */
export function emptyWebhooks(): Record<string, string> {
	return Object.fromEntries(Object.values(SLOT_FIELDS).map((key) => [key, '']));
}

export function newInstance(name: string, index: number): Row {
	return {
		name,
		created: phpDate(),
		modified: phpDate(),
		type: { code: 1, name: 'WhatsApp App' },
		// Each sandbox instance is "connected" to its own made-up Brazilian mobile number.
		phone_wid: `55219${String(80000000 + index).padStart(8, '0')}@c.us`,
		instagram_username: null,
		need_delete: false,
		count_chats_month: 0,
		count_chats: 0,
		storage_used: { total: '0', formated: '0 MB' },
		api_enable: true,
		have_external_chatbot: false,
		in_log: false,
		improved_synchronization: false,
		webhooks: emptyWebhooks(),
		api_key: newToken(),
		accounts: [],
		access_token: newToken(),
	};
}

/** Fields only instances/find shows; the create and change examples leave them out. */
const FIND_ONLY = [
	'phone_wid',
	'instagram_username',
	'need_delete',
	'count_chats_month',
	'count_chats',
	'storage_used',
	'accounts',
];

/** An instance as the create and change replies show it. */
function changedView(instance: Row): Row {
	return Object.fromEntries(Object.entries(instance).filter(([key]) => !FIND_ONLY.includes(key)));
}

export const instanceRoutes: RouteTable = {
	'POST /instances/create': {
		required: ['name'],
		handle: ({ body, state }) => {
			const invalid = badSlot(body);
			if (invalid) return invalid;
			const instance = newInstance(String(body.name), state.instances.length + 1);
			applySlots(instance, body);
			state.instances.push(instance);
			return ok('Sua instancia foi criada com sucesso.', { instance: changedView(instance) });
		},
	},
	'GET /instances/find': {
		handle: ({ query, state }) => {
			const instances = byTokenOrName(state.instances, query);
			return { body: page(instances, query.page, 'instances') };
		},
	},
	'PUT /instances/change': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const instance = byToken(state.instances, body.access_token);
			if (!instance) return notFound('Instancia');
			const invalid = badSlot(body);
			if (invalid) return invalid;
			if (body.name !== undefined && body.name !== '') instance.name = body.name;
			applySlots(instance, body, emptyMeansUnchanged.has(state));
			instance.modified = phpDate();
			return ok('Instancia alterada com sucesso.', { instance: changedView(instance) });
		},
	},
	'DELETE /instances/delete': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const instance = removeByToken(state, 'instances', body.access_token);
			if (!instance) return notFound('Instancia');
			return ok('Remoção da instancia iniciada.');
		},
	},
};
