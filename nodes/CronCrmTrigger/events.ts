import type { INodePropertyOptions } from 'n8n-workflow';

import { WEBHOOK_SLOTS, type WebhookSlot } from '../CronCrm/shared/webhookSlots';

/** One event the trigger can start on: a CRONCRM hook and the slot whose URL receives it. */
export interface TriggerEvent {
	/** The hook name CRONCRM sends, also the value of the Events parameter. */
	hook: string;
	name: string;
	description: string;
	slot: WebhookSlot;
}

const LABELS: Record<string, [string, string]> = {
	onReceived: ['Message Received', 'A message arrived in a chat'],
	onSender: ['Message Sent', 'CRONCRM confirms it sent a message'],
	onAck: [
		'Message Status Changed',
		'A sent message changed status: on the server, delivered, read, played or failed',
	],
	IncomingCall: ['Incoming Call', 'Someone is calling (voice or video)'],
	onStateChanged: ['Connection State Changed', 'The WhatsApp connection changed state'],
	onQrcode: ['QR Code', 'A QR code to scan, after a new connection was requested'],
	onLiveLocation: ['Live Location', 'Someone shares their live location'],
	onParticipantsChanged: [
		'Group Participants Changed',
		'Members were added to or removed from a group',
	],
	onAddedToGroup: ['Added to Group', 'This number was added to a group'],
};

export const EVENTS: TriggerEvent[] = WEBHOOK_SLOTS.flatMap((slot) =>
	slot.hooks.map((hook) => {
		const [name, description] = LABELS[hook] ?? [hook, hook];
		return { hook, name, description, slot };
	}),
);

/** The three hooks that carry a message; only they have text, type, ack and media. */
export const MESSAGE_HOOKS = new Set(['onReceived', 'onSender', 'onAck']);

/** Hooks that are about a group by nature: "Ignore Groups" does not apply to them. */
export const GROUP_HOOKS = new Set(['onParticipantsChanged', 'onAddedToGroup']);

/** The event of a hook name; CRONCRM's capitalisation is not consistent (IncomingCall), so any case matches. */
export function eventOf(hook: string): TriggerEvent | undefined {
	const wanted = hook.toLowerCase();
	return EVENTS.find((event) => event.hook.toLowerCase() === wanted);
}

/** The slots the chosen events need, each once, in CRONCRM's order. */
export function slotsFor(hooks: string[]): WebhookSlot[] {
	return WEBHOOK_SLOTS.filter((slot) => slot.hooks.some((hook) => hooks.includes(hook)));
}

export function eventOptions(): INodePropertyOptions[] {
	return EVENTS.map((event) => ({
		name: event.name,
		value: event.hook,
		// The nodes panel lists a trigger's events as actions; without this it writes "On qr code".
		action: `On ${event.name}`,
		description: `${event.description} (${event.hook}, ${event.slot.apiName})`,
	})).sort((a, b) => a.name.localeCompare(b.name));
}
