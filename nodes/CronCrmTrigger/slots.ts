import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { WEBHOOK_SLOTS, type WebhookSlot } from '../CronCrm/shared/webhookSlots';
import { croncrmRequest } from '../CronCrm/transport';
import { slotsFor } from './events';
import { isTriggerUrl, newSecret, redact, withoutQuery, withSecret } from './secret';

/**
 * Self-registration. CRONCRM has no webhook subscriptions: an instance has seven slots, each
 * holding one URL. Activation writes n8n's URL into the slots the chosen events need and
 * remembers, in the node's static data, what each slot held; deactivation puts that back. So
 * activating and deactivating leave every slot as it was.
 */

/** One registration of this node (production and test URLs each have their own). */
export interface Registration {
	/** access_token of the instance. */
	instance: string;
	/** The URL written into the slots, secret included. */
	url: string;
	secret: string;
	/** What each slot (by API field name) held before; restored on deactivation. */
	previous: Record<string, string>;
}

export interface RegistrationRequest {
	instance: string;
	hooks: string[];
	takeOver: boolean;
}

type Registrations = Record<string, Registration>;

function staticData(ctx: IHookFunctions): IDataObject {
	return ctx.getWorkflowStaticData('node');
}

/** Registrations by the node's URL without query, i.e. by production or test URL. */
export function registrationsOf(data: IDataObject): Registrations {
	return (data.registrations as Registrations | undefined) ?? {};
}

function save(ctx: IHookFunctions, key: string, registration: Registration | undefined) {
	const data = staticData(ctx);
	const registrations = { ...registrationsOf(data) };
	if (registration) registrations[key] = registration;
	else delete registrations[key];
	// Reassigned rather than mutated, so that n8n notices the change and saves it.
	data.registrations = registrations;
}

/** This node's webhook URL in the current mode (production, or test when listening). */
function ownUrl(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n gave this trigger no webhook URL');
	return withoutQuery(url);
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

function slotValue(instance: IDataObject, slot: WebhookSlot): string {
	const webhooks = (instance.webhooks ?? {}) as IDataObject;
	const value = webhooks[slot.instanceKey];
	return typeof value === 'string' ? value : '';
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

/** Whether this node's registration is in place for exactly these events on this instance. */
export async function isRegistered(
	ctx: IHookFunctions,
	request: RegistrationRequest,
): Promise<boolean> {
	const registration = registrationsOf(staticData(ctx))[ownUrl(ctx)];
	const slots = slotsFor(request.hooks);
	if (
		!registration ||
		registration.instance !== request.instance ||
		Object.keys(registration.previous).sort().join() !==
			slots
				.map((slot) => slot.apiName)
				.sort()
				.join()
	) {
		return false;
	}
	const instance = await findInstance(ctx, request.instance);
	return !!instance && slots.every((slot) => slotValue(instance, slot) === registration.url);
}

/** Writes this node's URL, with a new secret, into the slots the events need. */
export async function register(ctx: IHookFunctions, request: RegistrationRequest): Promise<void> {
	const node = ctx.getNode();
	const own = ownUrl(ctx);
	const slots = slotsFor(request.hooks);
	if (slots.length === 0) {
		throw new NodeOperationError(node, 'Choose at least one event to listen to');
	}

	// A registration for other events or another instance is undone first, so that what it
	// saved is what gets restored in the end.
	const stale = registrationsOf(staticData(ctx))[own];
	if (stale) await unregister(ctx);

	const instance = await findInstance(ctx, request.instance);
	if (!instance) {
		throw new NodeOperationError(
			node,
			`CRONCRM has no instance with access token "${request.instance}"`,
			{
				description: 'Pick the instance again from the list in the Instance parameter.',
			},
		);
	}
	const instanceName = String(instance.name ?? request.instance);

	const previous: Record<string, string> = {};
	const taken: string[] = [];
	for (const slot of slots) {
		const current = slotValue(instance, slot);
		switch (ownerOf(current, own)) {
			case 'empty':
			case 'self': // left behind by a registration whose record was lost: nothing to restore
				previous[slot.apiName] = '';
				break;
			case 'otherTrigger':
				if (!request.takeOver) {
					taken.push(`${slot.displayName} (${slot.apiName}) holds ${redact(current)}`);
					break;
				}
				previous[slot.apiName] = current;
				break;
			default: // the user's own URL, or this node's production URL while testing
				previous[slot.apiName] = current;
		}
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

	const secret = newSecret();
	const url = withSecret(own, secret);
	// Saved before writing, so that a deactivation after a failure here can still restore.
	save(ctx, own, { instance: request.instance, url, secret, previous });

	const body: IDataObject = { access_token: request.instance };
	for (const slot of slots) body[slot.apiName] = url;
	const written = await writeAndReadBack(ctx, request.instance, body).catch(
		async (error: unknown) => {
			await rollBack(ctx, own, request.instance, previous);
			throw error;
		},
	);
	const missing = slots.filter((slot) => !written || slotValue(written, slot) !== url);
	if (missing.length > 0) {
		let cleanup = 'Nothing was left changed.';
		try {
			await unregister(ctx);
		} catch (error) {
			cleanup = `Putting the slots back failed too: ${(error as Error).message}`;
		}
		throw new NodeOperationError(
			node,
			`CRONCRM did not keep the webhook URL in ${missing.map((slot) => slot.apiName).join(', ')} of instance "${instanceName}"`,
			{ description: `Read back with instances/find after instances/change. ${cleanup}` },
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
 * After a failed write or read-back: puts back what the slots held, best effort. n8n does not
 * save static data from a failed activation, so the record of the user's URLs would be lost.
 * Written without reading first: the read may be what just failed, and `previous` is what the
 * slots held a moment ago.
 */
async function rollBack(
	ctx: IHookFunctions,
	own: string,
	instance: string,
	previous: Record<string, string>,
): Promise<void> {
	try {
		await croncrmRequest(ctx, {
			method: 'PUT',
			url: '/instances/change',
			body: { access_token: instance, ...previous },
		});
		save(ctx, own, undefined);
	} catch {
		// The activation's own error is the one to show; the record stays for a deactivation.
	}
}

/**
 * Puts back what the slots held before this node's registration, in the slots that still hold
 * its URL; a slot someone changed since is left alone. Then reads the slots back: CRONCRM's
 * auth/login says empty webhook fields leave a slot unchanged, and instances/change may do the
 * same, which would leave n8n's URL in a slot that held nothing before.
 */
export async function unregister(ctx: IHookFunctions): Promise<void> {
	const own = ownUrl(ctx);
	const registration = registrationsOf(staticData(ctx))[own];
	if (!registration) return;
	const instance = await findInstance(ctx, registration.instance);
	const holdsOwnUrl = (found: IDataObject | undefined, slot: WebhookSlot) =>
		!!found && withoutQuery(slotValue(found, slot)) === own;
	const restoring = WEBHOOK_SLOTS.filter(
		(slot) => slot.apiName in registration.previous && holdsOwnUrl(instance, slot),
	);
	if (restoring.length === 0) {
		save(ctx, own, undefined);
		return;
	}
	const body: IDataObject = { access_token: registration.instance };
	for (const slot of restoring) body[slot.apiName] = registration.previous[slot.apiName];
	await croncrmRequest(ctx, { method: 'PUT', url: '/instances/change', body });
	// Restored as far as CRONCRM lets us: a second deactivation would find nothing more to do.
	save(ctx, own, undefined);

	const after = await findInstance(ctx, registration.instance);
	const stuck = restoring.filter((slot) => holdsOwnUrl(after, slot));
	if (stuck.length > 0) {
		const name = String(after?.name ?? instance?.name ?? registration.instance);
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
