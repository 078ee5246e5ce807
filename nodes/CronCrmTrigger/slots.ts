import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { WEBHOOK_SLOTS, type WebhookSlot } from '../CronCrm/shared/webhookSlots';
import { baseUrlOf, credentialsOf, croncrmRequest } from '../CronCrm/transport';
import { slotsFor } from './events';
import { assertCronCrmCanReach } from './reachability';
import {
	isTriggerUrl,
	openUndo,
	queryParam,
	redact,
	SECRET_PARAM,
	sealUndo,
	secretFor,
	triggerUrl,
	UNDO_PARAM,
	withoutQuery,
} from './triggerUrl';

/**
 * Self-registration. CRONCRM has no webhook subscriptions: an instance has seven slots, each
 * holding one URL. Activation writes n8n's URL into the slots the chosen events need;
 * deactivation puts back what each slot held. Nothing is kept in static data: each slot's URL
 * carries its own undo record (see triggerUrl.ts), so every step works from what CRONCRM holds
 * right now. That makes activation idempotent (running it twice, or after a lost save, reads
 * its own URL back and keeps the record inside it), and deactivation works in any process.
 */

export interface RegistrationRequest {
	instance: string;
	hooks: string[];
	takeOver: boolean;
}

type TriggerContext = IHookFunctions | IWebhookFunctions;

/** What identifies this trigger node: its workflow and its webhook (same in test and production). */
export function identityOf(ctx: TriggerContext): string {
	const node = ctx.getNode();
	return `${ctx.getWorkflow().id ?? ''}/${node.webhookId ?? node.name}`;
}

/** The secret CRONCRM must send back in the URL; webhook() recomputes it for every call. */
export async function expectedSecret(ctx: TriggerContext): Promise<string> {
	return secretFor(String((await credentialsOf(ctx)).apiKey ?? ''), identityOf(ctx));
}

/** Everything a registration step needs, read once. */
interface Setup {
	own: string;
	apiKey: string;
	identity: string;
	secret: string;
	baseUrl: string;
}

async function setupOf(ctx: IHookFunctions): Promise<Setup> {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n gave this trigger no webhook URL');
	const credentials = await credentialsOf(ctx);
	const apiKey = String(credentials.apiKey ?? '');
	const identity = identityOf(ctx);
	return {
		own: withoutQuery(url),
		apiKey,
		identity,
		secret: secretFor(apiKey, identity),
		baseUrl: baseUrlOf(credentials),
	};
}

const undoContext = (setup: Setup, slot: WebhookSlot) => `${setup.identity}#${slot.apiName}`;

/** The URL to write into a slot that held `previous` before this trigger. */
function urlFor(setup: Setup, slot: WebhookSlot, previous: string): string {
	const undo =
		previous === '' ? undefined : sealUndo(setup.apiKey, undoContext(setup, slot), previous);
	return triggerUrl(setup.own, setup.secret, undo);
}

/** What a URL of this node says the slot held before it ('' if it held nothing, or if unreadable). */
function undoOf(setup: Setup, slot: WebhookSlot, url: string): string {
	const record = queryParam(url, UNDO_PARAM);
	if (record === undefined) return '';
	// Unreadable when the API key changed since: nothing is known to restore, so the slot empties.
	return openUndo(setup.apiKey, undoContext(setup, slot), record) ?? '';
}

/** The last two path segments (`<webhookId>/webhook`) are the same for a node's production and test URLs. */
function nodeOf(url: string): string {
	return new URL(url).pathname.split('/').filter(Boolean).slice(-2).join('/');
}

type SlotOwner = 'empty' | 'self' | 'sameNode' | 'otherTrigger' | 'user';

function ownerOf(current: string, own: string): SlotOwner {
	if (current === '') return 'empty';
	if (!URL.canParse(current)) return 'user';
	if (withoutQuery(current) === own) return 'self';
	if (isTriggerUrl(current)) return nodeOf(current) === nodeOf(own) ? 'sameNode' : 'otherTrigger';
	return 'user';
}

/** What the slot held before any URL of this node (test or production): the user's URL. */
function originalOf(setup: Setup, slot: WebhookSlot, url: string): string {
	let current = url;
	// Test and production URLs can wrap each other once; the bound guards against a loop.
	for (let depth = 0; depth < 4; depth++) {
		const owner = ownerOf(current, setup.own);
		if (owner !== 'self' && owner !== 'sameNode') return current;
		current = undoOf(setup, slot, current);
	}
	return '';
}

async function findInstance(ctx: IHookFunctions, token: string): Promise<IDataObject | undefined> {
	const body = await croncrmRequest(ctx, {
		method: 'GET',
		url: '/instances/find',
		qs: { access_token: token },
	});
	const instances = Array.isArray(body.instances) ? (body.instances as IDataObject[]) : [];
	return instances.find((instance) => instance.access_token === token);
}

function slotValue(instance: IDataObject | undefined, slot: WebhookSlot): string {
	const webhooks = (instance?.webhooks ?? {}) as IDataObject;
	const value = webhooks[slot.instanceKey];
	return typeof value === 'string' ? value : '';
}

function unknownInstance(ctx: IHookFunctions, token: string): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`CRONCRM has no instance with access token "${token}"`,
		{
			description: 'Pick the instance again from the list in the Instance parameter.',
		},
	);
}

/**
 * Whether this node's URL, with today's secret, is in exactly the slots of the chosen events.
 * n8n calls this before create; false makes it (re)register.
 */
export async function isRegistered(
	ctx: IHookFunctions,
	request: RegistrationRequest,
): Promise<boolean> {
	const setup = await setupOf(ctx);
	const wanted = slotsFor(request.hooks);
	if (wanted.length === 0) return false;
	const instance = await findInstance(ctx, request.instance);
	if (!instance) return false;
	return WEBHOOK_SLOTS.every((slot) => {
		const current = slotValue(instance, slot);
		const mine = ownerOf(current, setup.own) === 'self';
		if (!wanted.includes(slot)) return !mine;
		return mine && queryParam(current, SECRET_PARAM) === setup.secret;
	});
}

/**
 * Writes this node's URL into the slots the events need, each carrying what the slot held;
 * slots of events no longer chosen get their own record back. Then reads back. Idempotent.
 */
export async function register(ctx: IHookFunctions, request: RegistrationRequest): Promise<void> {
	const node = ctx.getNode();
	const wanted = slotsFor(request.hooks);
	if (wanted.length === 0) {
		throw new NodeOperationError(node, 'Choose at least one event to listen to');
	}
	const setup = await setupOf(ctx);
	assertCronCrmCanReach(node, setup.own, setup.baseUrl);
	const testing = ctx.getMode() === 'manual';

	const instance = await findInstance(ctx, request.instance);
	if (!instance) throw unknownInstance(ctx, request.instance);
	const instanceName = String(instance.name ?? request.instance);

	const body: IDataObject = { access_token: request.instance };
	const before: IDataObject = { access_token: request.instance };
	const taken: string[] = [];
	for (const slot of WEBHOOK_SLOTS) {
		const current = slotValue(instance, slot);
		const owner = ownerOf(current, setup.own);
		let previous: string;
		if (!wanted.includes(slot)) {
			// An event no longer chosen: its slot gets back what it held before this node.
			if (owner === 'self') body[slot.apiName] = undoOf(setup, slot, current);
			continue;
		}
		switch (owner) {
			case 'otherTrigger':
				if (!request.takeOver) {
					taken.push(`${slot.displayName} (${slot.apiName}) holds ${redact(current)}`);
					continue;
				}
				previous = current;
				break;
			case 'self':
				// Registered already (a second run, or a lost save): keep the record it carries.
				previous = undoOf(setup, slot, current);
				break;
			case 'sameNode':
				// While testing, the production URL comes back afterwards; in production, a test
				// URL left in the slot is unwrapped down to the user's URL.
				previous = testing ? current : originalOf(setup, slot, current);
				break;
			default:
				previous = current;
		}
		body[slot.apiName] = urlFor(setup, slot, previous);
	}
	if (taken.length > 0) {
		throw new NodeOperationError(
			node,
			`Instance "${instanceName}" already sends these events to another workflow's CRONCRM Trigger: ${taken.join('; ')}`,
			{
				description:
					'A slot holds one URL, so only one trigger can receive its events. Deactivate the other workflow, use one trigger with several events and a Switch node, or turn on "Take Over Slots" in the options (its URL is put back when this trigger stops).',
			},
		);
	}
	for (const slot of WEBHOOK_SLOTS) {
		if (slot.apiName in body) before[slot.apiName] = slotValue(instance, slot);
	}

	const written = await writeAndReadBack(ctx, request.instance, body).catch(
		async (error: unknown) => {
			await rollBack(ctx, before);
			throw error;
		},
	);
	const missing = wanted.filter((slot) => slotValue(written, slot) !== body[slot.apiName]);
	if (missing.length > 0) {
		await rollBack(ctx, before);
		throw new NodeOperationError(
			node,
			`CRONCRM did not keep the webhook URL in ${missing.map((slot) => slot.apiName).join(', ')} of instance "${instanceName}"`,
			{
				description:
					'Read back with instances/find after instances/change. The slots were put back as they were.',
			},
		);
	}
}

/** Writes the slots and reads them back; a failure of either is undone by the caller. */
async function writeAndReadBack(
	ctx: IHookFunctions,
	instance: string,
	body: IDataObject,
): Promise<IDataObject | undefined> {
	await croncrmRequest(ctx, { method: 'PUT', url: '/instances/change', body });
	return await findInstance(ctx, instance);
}

/**
 * After a failed write or read-back: puts back what the slots held a moment ago, best effort.
 * Written without reading first: the read may be what just failed.
 */
async function rollBack(ctx: IHookFunctions, before: IDataObject): Promise<void> {
	try {
		await croncrmRequest(ctx, { method: 'PUT', url: '/instances/change', body: before });
	} catch {
		// The activation's own error is the one to show; the URLs in the slots still carry
		// their undo records, so a deactivation can put them back.
	}
}

/**
 * Puts back what each slot held before this node, in the slots that hold its URL (whatever
 * events are chosen now); a slot someone changed since is left alone. A test URL of this node
 * that would give the slot back to this production URL is re-pointed at the user's URL.
 * Then reads the slots back: CRONCRM's auth/login says empty webhook fields leave a slot
 * unchanged, and instances/change may do the same, which would leave n8n's URL in a slot that
 * held nothing before.
 */
export async function unregister(ctx: IHookFunctions, token: string): Promise<void> {
	if (token === '') return;
	const setup = await setupOf(ctx);
	const instance = await findInstance(ctx, token);
	if (!instance) return;
	const body: IDataObject = { access_token: token };
	const restoring: WebhookSlot[] = [];
	for (const slot of WEBHOOK_SLOTS) {
		const current = slotValue(instance, slot);
		const owner = ownerOf(current, setup.own);
		if (owner === 'self') {
			body[slot.apiName] = undoOf(setup, slot, current);
			restoring.push(slot);
		} else if (owner === 'sameNode') {
			const previous = undoOf(setup, slot, current);
			if (ownerOf(previous, setup.own) === 'self') {
				const testUrl = { ...setup, own: withoutQuery(current) };
				body[slot.apiName] = urlFor(testUrl, slot, originalOf(setup, slot, previous));
			}
		}
	}
	if (Object.keys(body).length === 1) return;
	await croncrmRequest(ctx, { method: 'PUT', url: '/instances/change', body });

	const after = await findInstance(ctx, token);
	const stuck = restoring.filter((slot) => ownerOf(slotValue(after, slot), setup.own) === 'self');
	if (stuck.length > 0) {
		const name = String(after?.name ?? instance.name ?? token);
		throw new NodeOperationError(
			ctx.getNode(),
			`CRONCRM still sends events of instance "${name}" to this trigger: ${stuck
				.map((slot) => `${slot.displayName} (${slot.apiName})`)
				.join(', ')} kept the n8n URL after it was cleared`,
			{
				description:
					'CRONCRM seems to treat an empty webhook URL in instances/change as "leave unchanged". The other slots were put back. Clear the slot in CRONCRM\'s UI (the instance\'s webhook settings), or set it to another URL; until then CRONCRM keeps posting these events to n8n.',
			},
		);
	}
}
