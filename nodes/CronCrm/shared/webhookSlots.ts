import type { FieldSpec } from './fields';

/**
 * CRONCRM's seven webhook slots. Each slot is one URL that receives several kinds of event
 * ("hooks"); auth/login (Connection → Connect) and the Instance endpoints set them. Described
 * once here so the Connection and Instance resources and the trigger agree on names and hooks.
 */
export interface WebhookSlot {
	/** Field name in the API, exactly as the collection spells it (auth/login body). */
	apiName: string;
	displayName: string;
	/** The slot's key inside an instance's webhook settings. */
	instanceKey: string;
	/** Event names CRONCRM puts in the `hook` property of what it posts to this URL. */
	hooks: string[];
	/** What arrives at the URL, for the field's description. */
	events: string;
}

export const WEBHOOK_SLOTS: WebhookSlot[] = [
	{
		apiName: 'webhookMessage',
		displayName: 'Message Webhook URL',
		instanceKey: 'message',
		hooks: ['onReceived', 'onSender', 'onAck'],
		events:
			'messages received (onReceived), send confirmations (onSender) and delivered/read status changes (onAck)',
	},
	{
		apiName: 'webhookIncomingCall',
		displayName: 'Incoming Call Webhook URL',
		instanceKey: 'incomingCall',
		hooks: ['IncomingCall'],
		events: 'incoming voice and video calls (IncomingCall)',
	},
	{
		apiName: 'webhookStateChanged',
		displayName: 'State Changed Webhook URL',
		instanceKey: 'stateChanged',
		hooks: ['onStateChanged'],
		events: 'changes of the connection state (onStateChanged)',
	},
	{
		apiName: 'webhookQrcode',
		displayName: 'QR Code Webhook URL',
		instanceKey: 'qrcode',
		hooks: ['onQrcode'],
		events: 'the QR code to scan when a new connection is requested (onQrcode)',
	},
	{
		apiName: 'webhookLiveLocation',
		displayName: 'Live Location Webhook URL',
		instanceKey: 'liveLocation',
		hooks: ['onLiveLocation'],
		events: 'live locations someone shares (onLiveLocation)',
	},
	{
		apiName: 'webhookParticipantsChanged',
		displayName: 'Participants Changed Webhook URL',
		instanceKey: 'participantsChanged',
		hooks: ['onParticipantsChanged'],
		events: 'members added to or removed from a group (onParticipantsChanged)',
	},
	{
		apiName: 'webhookAddedToGroup',
		displayName: 'Added to Group Webhook URL',
		instanceKey: 'addedToGroup',
		hooks: ['onAddedToGroup'],
		events: 'you being added to a group (onAddedToGroup)',
	},
];

/** One optional URL field per slot; n8n names are the API names. */
export function webhookSlotFields(): FieldSpec[] {
	return WEBHOOK_SLOTS.map((slot) => ({
		name: slot.apiName,
		displayName: slot.displayName,
		apiName: slot.apiName,
		kind: 'url' as const,
		placeholder: 'https://your-n8n.example.com/webhook/...',
		description: `URL that receives ${slot.events}. Leave it out to keep the URL set in CRONCRM.`,
	}));
}
