import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';

import { listSearch } from '../CronCrm/methods/listSearch';
import { locator, toProperty } from '../CronCrm/shared/fields';
import { eventsSubtitle } from '../CronCrm/shared/subtitle';
import { croncrmDownload, croncrmRequest } from '../CronCrm/transport';
import { eventOf, eventOptions, EVENTS } from './events';
import { handledByAPerson, isRepeatedDelivery } from './chatFilters';
import { chatList, filteredOut, type TriggerOptions } from './filters';
import { hasMedia, hookOf, normalize, type NormalizedEvent } from './payload';
import {
	expectedSecret,
	isRegistered,
	register,
	unregister,
	type RegistrationRequest,
} from './slots';
import { sameSecret, SECRET_PARAM } from './triggerUrl';

/** Larger bodies are refused: CRONCRM's events are small, files are fetched separately. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Download Media runs before CRONCRM gets its answer; if that takes long, CRONCRM may give up
 * and post the event again, starting the workflow twice. So the file gets this long, in all;
 * past it the workflow starts without it. An object so that tests can shorten it.
 */
export const MEDIA_LIMITS = { deadlineMs: 15_000 };

interface MediaFile {
	data: Buffer;
	fileName?: string;
	mimeType?: string;
}

/** The file of a received message: its URL from messages/get-file, then the file itself. */
async function fetchMedia(ctx: IWebhookFunctions, event: NormalizedEvent): Promise<MediaFile> {
	const file = await croncrmRequest(ctx, {
		method: 'GET',
		url: '/messages/get-file',
		qs: { access_token: event.message_access_token },
		extra: { timeout: MEDIA_LIMITS.deadlineMs },
		// CRONCRM waits for this webhook's answer: one quick retry at most, no waiting out a 429.
		retries: { transient: 1, rateLimit: 0 },
	});
	const url = typeof file.url === 'string' ? file.url : '';
	if (!url) {
		throw new NodeOperationError(
			ctx.getNode(),
			'CRONCRM gave no file URL for this message (messages/get-file)',
		);
	}
	const { data, mimeType } = await croncrmDownload(ctx, url, undefined, {
		timeoutMs: MEDIA_LIMITS.deadlineMs,
		retries: 1,
	});
	return {
		data,
		fileName: typeof file.filename === 'string' && file.filename ? file.filename : undefined,
		mimeType: (typeof file.file_mimetype === 'string' && file.file_mimetype) || mimeType,
	};
}

/** How long the deadline's timer outlives a finished download, at most. */
const DEADLINE_TICK_MS = 200;

/**
 * `work`, or an error once MEDIA_LIMITS.deadlineMs has passed. The transport's own retries may
 * go on in the background; their result is then dropped.
 */
async function withinDeadline<T>(ctx: IWebhookFunctions, work: Promise<T>): Promise<T> {
	const { deadlineMs } = MEDIA_LIMITS;
	const endsAt = Date.now() + deadlineMs;
	let settled = false;
	// Short sleeps instead of one cancellable sleep: n8n-workflow 1.x's `sleep` takes no abort
	// signal, so a single 15 s timer would outlive every download on n8n 1.x.
	const expired = (async (): Promise<never> => {
		for (let left = deadlineMs; !settled && left > 0; left = endsAt - Date.now()) {
			await sleep(Math.min(left, DEADLINE_TICK_MS));
		}
		if (settled) return undefined as never;
		throw new NodeOperationError(
			ctx.getNode(),
			`The file took longer than ${deadlineMs / 1000} s to download: the workflow started without it, so that CRONCRM got its answer in time`,
		);
	})();
	try {
		return await Promise.race([work, expired]);
	} finally {
		settled = true;
	}
}

const instanceProperty: INodeProperties = toProperty(
	locator('instance', 'access_token', {
		description:
			'The instance (WhatsApp number) whose events start this workflow. Its webhook URLs are set when the workflow is activated and put back when it is deactivated.',
	}),
	'body',
);
// The trigger sends no request from its parameters: the value is read by the webhook methods.
delete instanceProperty.routing;

const ACK_LEVELS: Array<[string, string]> = [
	['Cancelled (100)', '100'],
	['Delivered (2)', '2'],
	['Failed (-1)', '-1'],
	['On WhatsApp Server (1)', '1'],
	['Played (4)', '4'],
	['Read (3)', '3'],
	['Waiting to Send (0)', '0'],
];

function instanceOf(ctx: IHookFunctions): string {
	return String(ctx.getNodeParameter('instance', '', { extractValue: true }) ?? '').trim();
}

function requestOf(ctx: IHookFunctions): RegistrationRequest {
	const instance = instanceOf(ctx);
	if (instance === '') throw new NodeOperationError(ctx.getNode(), 'Choose an instance');
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	try {
		chatList(options.onlyChats);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `Only These Chats: ${(error as Error).message}`);
	}
	return {
		instance,
		hooks: ctx.getNodeParameter('events', []) as string[],
		takeOver: options.takeOver === true,
	};
}

function isPlainObject(value: unknown): value is IDataObject {
	return !!value && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/**
 * The JSON object CRONCRM posted. n8n has parsed it into req.body when it came as
 * application/json; any other content type is parsed here from the raw body.
 */
function readBody(req: {
	body?: unknown;
	rawBody?: Buffer;
}): { body: IDataObject } | { status: number; msg: string } {
	const raw = req.rawBody;
	const size = raw ? raw.length : Buffer.byteLength(JSON.stringify(req.body ?? ''));
	if (size > MAX_BODY_BYTES) {
		return { status: 413, msg: `Body larger than ${MAX_BODY_BYTES} bytes` };
	}
	let body = req.body;
	const text =
		typeof body === 'string'
			? body
			: !isPlainObject(body) || Object.keys(body).length === 0
				? raw?.toString('utf8')
				: undefined;
	if (text !== undefined) {
		try {
			body = JSON.parse(text) as unknown;
		} catch {
			body = undefined;
		}
	}
	if (!isPlainObject(body) || (Object.keys(body).length === 0 && !raw?.length)) {
		return { status: 400, msg: 'Body is not a JSON object' };
	}
	return { body };
}

export class CronCrmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRONCRM Trigger',
		name: 'cronCrmTrigger',
		icon: {
			light: 'file:../../icons/croncrm.svg',
			dark: 'file:../../icons/croncrm.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: eventsSubtitle(EVENTS),
		// n8n's nodes panel merges <app> and <app>Trigger into one entry and shows this text for
		// both, so it describes the whole package.
		description:
			'Send WhatsApp messages and manage chats, contacts, leads and funnels in CRONCRM, or start workflows on its WhatsApp events',
		defaults: { name: 'CRONCRM Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cronCrmApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: `An instance sends each kind of event to one URL. To handle several events, use one trigger with several events and a Switch node on the "event" field of the output. Its values: ${EVENTS.map((event) => event.hook).join(', ')}.`,
				name: 'oneUrlNotice',
				type: 'notice',
				default: '',
			},
			instanceProperty,
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [],
				options: eventOptions(),
				description:
					'The CRONCRM hooks that start this workflow. Others arriving at the same URL are answered and ignored.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Download Media',
						name: 'downloadMedia',
						type: 'boolean',
						default: false,
						description:
							'Whether to download the file of a received document, image, audio, video or sticker message into a binary field (messages/get-file)',
					},
					{
						displayName: 'Ignore Chats Handled by a Person',
						name: 'ignoreHandledChats',
						type: 'boolean',
						default: false,
						description:
							'Whether to ignore message events of chats a person handles in CRONCRM (customer_service_status_id 1, "Em atendimento", or 2, "Aguardando atendimento", waiting for a person), so that a bot does not talk over an agent. Read from the event when it carries the chat\'s status; otherwise it costs one request (chats/find) per event.',
					},
					{
						displayName: 'Ignore Groups',
						name: 'ignoreGroups',
						type: 'boolean',
						default: false,
						description:
							'Whether to ignore events from group chats (IDs ending in @g.us). Group Participants Changed and Added to Group are about groups and always pass.',
					},
					{
						displayName: 'Ignore Messages Sent by This Account',
						name: 'ignoreOwnMessages',
						type: 'boolean',
						default: false,
						description:
							'Whether to ignore Message Received events for messages this number sent itself, from the phone, CRONCRM or the API (source "in"), so that a bot does not answer itself',
					},
					{
						displayName: 'Ignore Repeated Deliveries',
						name: 'ignoreRepeatedDeliveries',
						type: 'boolean',
						default: false,
						description:
							'Whether to start once when CRONCRM posts the same hook about the same message again (for status changes, at the same ack level) within 10 minutes. Remembered in memory by the n8n process that receives webhooks: in queue mode, per webhook processor.',
					},
					{
						displayName: 'Only These Ack Levels',
						name: 'ackLevels',
						type: 'multiOptions',
						default: [],
						options: ACK_LEVELS.map(([name, value]) => ({ name, value })),
						description:
							'Message Status Changed events start the workflow only for these statuses (message_ack). Empty: all.',
					},
					{
						displayName: 'Only These Chats',
						name: 'onlyChats',
						type: 'string',
						default: '',
						placeholder: '5521988248085, 120363012345678901@g.us',
						description:
							'Phone numbers or WhatsApp IDs, separated by commas. Events about other chats are ignored; events without a chat (connection, QR code) pass.',
					},
					{
						displayName: 'Put Media in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						hint: 'The name of the output binary field to put the downloaded file in',
					},
					{
						displayName: 'Take Over Slots',
						name: 'takeOver',
						type: 'boolean',
						default: false,
						description:
							"Whether to take a webhook slot that another workflow's CRONCRM Trigger holds. Its URL is put back when this workflow is deactivated. Off, activation fails and names the slot.",
					},
				],
			},
		],
	};

	methods = { listSearch: { searchInstances: listSearch.searchInstances } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await isRegistered(this, requestOf(this));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				await register(this, requestOf(this));
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				await unregister(this, instanceOf(this));
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject() as unknown as { body?: unknown; rawBody?: Buffer };
		const res = this.getResponseObject();
		const refuse = (status: number, msg: string): IWebhookResponseData => {
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ success: false, msg }));
			return { noWebhookResponse: true };
		};

		// Recomputed from the credential for every call, never read from activation's state.
		const given = this.getQueryData()[SECRET_PARAM as keyof object];
		if (!sameSecret(given, await expectedSecret(this))) {
			return refuse(401, 'Missing or wrong secret: this URL is registered by the CRONCRM Trigger');
		}

		const read = readBody(req);
		if ('status' in read) return refuse(read.status, read.msg);
		const { body } = read;

		const hook = hookOf(body);
		const event = hook === undefined ? undefined : eventOf(hook);
		const selected = this.getNodeParameter('events', []) as string[];
		const ignore = (reason: string): IWebhookResponseData => ({
			webhookResponse: { success: true, started: false, reason },
		});
		if (!event) return ignore(`unknown hook ${JSON.stringify(hook ?? null)}`);
		if (!selected.includes(event.hook)) return ignore(`event ${event.hook} not selected`);

		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const normalized = normalize(body, event.hook);
		const reason = filteredOut(body, normalized, options);
		if (reason) return ignore(reason);
		const handled = options.ignoreHandledChats
			? await handledByAPerson(this, body, normalized)
			: {};
		if (handled.skip) return ignore(handled.skip);
		// Last: only a delivery that would start the workflow is remembered.
		if (
			options.ignoreRepeatedDeliveries &&
			isRepeatedDelivery(`${this.getWorkflow().id ?? ''}|${this.getNode().id}`, normalized)
		) {
			return ignore('repeated delivery');
		}

		const item: INodeExecutionData = { json: { ...normalized, payload: body } };
		if (handled.error) item.json.service_status_error = handled.error;
		if (options.downloadMedia && event.hook === 'onReceived' && hasMedia(normalized)) {
			try {
				const file = await withinDeadline(this, fetchMedia(this, normalized));
				item.binary = {
					[options.binaryPropertyName || 'data']: await this.helpers.prepareBinaryData(
						file.data,
						file.fileName,
						file.mimeType,
					),
				};
			} catch (error) {
				// The event still starts the workflow: losing a message is worse than a missing file.
				item.json.media_error = (error as Error).message;
			}
		}
		// Answered here: with workflowData, n8n would otherwise send its default response data
		// (the literal "firstEntryJson"). n8n still starts the workflow after noWebhookResponse.
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ success: true, started: true }));
		return { noWebhookResponse: true, workflowData: [[item]] };
	}
}
