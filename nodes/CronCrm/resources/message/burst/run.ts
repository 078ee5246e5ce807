import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { CREDENTIAL_NAME, croncrmRequest } from '../../../transport';
import { InvalidValueError, isEmptyValue, toCountryCode, widOf } from '../../../shared/values';
import {
	chatMessageOf,
	lineOf,
	messageOutput,
	readBurst,
	toMs,
	type ChatMessage,
	type TriggeringMessage,
} from './read';

export const FIND_PATH = '/messages/find';

/** Limits of the operation's numbers, in seconds. */
export const BURST_LIMITS = {
	quietSeconds: { default: 5, min: 0, max: 60 },
	windowSeconds: { default: 300, min: 1, max: 3600 },
	/** A chat with more pages than this since the window began is refused, not read forever. */
	maxPages: 25,
};

interface BurstOptions {
	maxBurstSeconds?: number;
	separator?: string;
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number) {
	return error instanceof NodeApiError || error instanceof NodeOperationError
		? error
		: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/** One item's checked parameters. */
interface BurstRequest {
	itemIndex: number;
	chatWid: string;
	triggering: TriggeringMessage;
	/** Whether the item named its message (else the chat's latest received message is used). */
	named: boolean;
	windowMs: number;
	separator: string;
}

function invalid(ctx: IExecuteFunctions, field: string, reason: string, itemIndex: number): never {
	throw new NodeOperationError(ctx.getNode(), `${field}: ${reason} (item ${itemIndex})`, {
		itemIndex,
		description: 'Nothing was sent to CRONCRM for this item.',
	});
}

function seconds(
	ctx: IExecuteFunctions,
	field: string,
	value: unknown,
	limits: { min: number; max: number },
	itemIndex: number,
): number {
	const number = typeof value === 'number' ? value : Number(String(value).trim());
	if (
		value === '' ||
		value === null ||
		!Number.isFinite(number) ||
		number < limits.min ||
		number > limits.max
	) {
		invalid(
			ctx,
			field,
			`expected a number of seconds from ${limits.min} to ${limits.max}, got "${String(value)}"`,
			itemIndex,
		);
	}
	return number;
}

/** The item's parameters, checked before anything is waited for or sent. */
function requestOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	countryCode: string,
	startedAt: number,
): BurstRequest {
	const rawChat = ctx.getNodeParameter('chatId', itemIndex, '') as string;
	if (isEmptyValue(rawChat)) {
		invalid(
			ctx,
			'Chat',
			'is required but empty (it reads the trigger\'s "chat_wid" unless you set it)',
			itemIndex,
		);
	}
	let chatWid: string;
	try {
		chatWid = widOf(String(rawChat), { countryCode });
	} catch (error) {
		invalid(ctx, 'Chat', (error as InvalidValueError).message, itemIndex);
	}
	const options = ctx.getNodeParameter('burstOptions', itemIndex, {}) as BurstOptions;
	const windowSeconds = seconds(
		ctx,
		'Maximum Burst Length (Seconds)',
		options.maxBurstSeconds ?? BURST_LIMITS.windowSeconds.default,
		BURST_LIMITS.windowSeconds,
		itemIndex,
	);
	const token = String(ctx.getNodeParameter('messageToken', itemIndex, '') ?? '').trim();
	// When the item is the trigger's, its text and time stand in for a message messages/find
	// does not list yet.
	const json = ctx.getInputData()[itemIndex]?.json ?? {};
	const fromTrigger = json.message_access_token === token;
	return {
		itemIndex,
		chatWid,
		named: token !== '',
		triggering: {
			access_token: token,
			text: fromTrigger && typeof json.text === 'string' && json.text !== '' ? json.text : null,
			message_type:
				fromTrigger && typeof json.message_type === 'string' ? json.message_type : 'chat',
			at: (fromTrigger ? toMs(Date.parse(String(json.timestamp))) : undefined) ?? startedAt,
		},
		windowMs: windowSeconds * 1000,
		separator: options.separator ?? '\n',
	};
}

/** The day before the window began, as Y-m-d: covers CRONCRM's São Paulo days and UTC days. */
function dateStartOf(windowStartsAt: number): string {
	return new Date(windowStartsAt - 86_400_000).toISOString().slice(0, 10);
}

/** Every message of the chat since the day before the window, through the transport. */
async function readChat(
	ctx: IExecuteFunctions,
	request: BurstRequest,
): Promise<{ messages: ChatMessage[]; requests: number }> {
	const { itemIndex, chatWid } = request;
	const messages: ChatMessage[] = [];
	const qs: IDataObject = {
		chat_wid: chatWid,
		source: 'all',
		date_start: dateStartOf(request.triggering.at - request.windowMs),
	};
	// The collection does not say in which order messages/find lists messages, so every page
	// is read and the messages are put in time order here.
	for (let page = 1; ; page++) {
		const reply = await croncrmRequest(
			ctx,
			{ method: 'GET', url: FIND_PATH, qs: page === 1 ? qs : { ...qs, page } },
			itemIndex,
		);
		const records = reply.messages;
		if (!Array.isArray(records)) {
			throw new NodeApiError(ctx.getNode(), reply as never, {
				itemIndex,
				message: `CRONCRM's reply to messages/find has no list of messages: "${String(reply.msg ?? '(no message)')}"`,
				description: `GET ${FIND_PATH} for chat ${chatWid}, page ${page}. The burst cannot be read without it; nothing was sent.`,
			});
		}
		for (const record of records) {
			const message = chatMessageOf(record as IDataObject);
			if (message) messages.push(message);
		}
		const pages = Number(reply.pages);
		if (!Number.isFinite(pages) || page >= pages) {
			if (messages.length === 0) {
				throw new NodeApiError(ctx.getNode(), reply as never, {
					itemIndex,
					message: `CRONCRM listed no messages for chat ${chatWid}: "${String(reply.msg ?? '(no message)')}" (count ${String(reply.count ?? 0)})`,
					description:
						'messages/find should list at least the message that started this execution. Check that Chat is the chat of that message (by default the trigger\'s "chat_wid"), and that the instance synchronizes its messages with CRONCRM.',
				});
			}
			return { messages, requests: page };
		}
		if (page >= BURST_LIMITS.maxPages) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Chat ${chatWid} has more than ${BURST_LIMITS.maxPages} pages of messages since ${String(qs.date_start)}`,
				{
					itemIndex,
					description: 'Lower "Maximum Burst Length" so that fewer days are read.',
				},
			);
		}
	}
}

/** One item's burst, or nothing when a newer received message will answer for it. */
async function burstItem(
	ctx: IExecuteFunctions,
	request: BurstRequest,
): Promise<INodeExecutionData | undefined> {
	const { messages: read, requests } = await readChat(ctx, request);
	let triggering = request.triggering;
	if (!request.named) {
		// No message named: the burst ends with the chat's latest received message.
		const received = read.filter((m) => m.source === 'out').sort((a, b) => a.at - b.at);
		const latest = received[received.length - 1];
		if (!latest) return undefined;
		triggering = latest;
	}
	const reading = readBurst(read, triggering, request.windowMs);
	if (reading.kind === 'newer') return undefined;
	const { messages, answering } = reading;
	const output = messages.map(messageOutput);
	return {
		json: {
			chat_wid: request.chatWid,
			text: messages.map(lineOf).join(request.separator),
			count: messages.length,
			messages: output,
			first_timestamp: output[0].timestamp,
			last_timestamp: output[output.length - 1].timestamp,
			has_media: output.some((message) => message.is_media),
			answering: answering ? messageOutput(answering) : null,
			triggering_message_listed: reading.triggeringMessageFound,
			requests,
		},
		pairedItem: { item: request.itemIndex },
	};
}

/**
 * Message → Wait for Burst to End. Checks every item, waits the quiet period once, then reads
 * each item's chat from CRONCRM. Stateless: what it decides comes from messages/find alone, so
 * every execution of a burst, on any worker, agrees on which one answers.
 */
export async function waitForBurstRun(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const startedAt = Date.now();
	const output: INodeExecutionData[] = [];
	const errorItem = (error: unknown, itemIndex: number): INodeExecutionData => ({
		json: { error: (error as Error).message },
		pairedItem: { item: itemIndex },
	});

	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	let countryCode: string;
	try {
		countryCode = toCountryCode(credentials.defaultCountryCode);
	} catch (error) {
		throw new NodeOperationError(
			this.getNode(),
			`Default Country Code in the CRONCRM credentials: ${(error as Error).message}`,
			{ description: 'Nothing was sent to CRONCRM.' },
		);
	}

	// Every item is checked before the wait: a bad value fails at once, and nothing is read.
	const requests: Array<BurstRequest | undefined> = [];
	let quietSeconds = 0;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			requests.push(requestOf(this, itemIndex, countryCode, startedAt));
			quietSeconds = Math.max(
				quietSeconds,
				seconds(
					this,
					'Quiet Period (Seconds)',
					this.getNodeParameter('quietSeconds', itemIndex, BURST_LIMITS.quietSeconds.default),
					BURST_LIMITS.quietSeconds,
					itemIndex,
				),
			);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			requests.push(undefined);
			output.push(errorItem(error, itemIndex));
		}
	}

	// n8n-workflow's sleep: this execution holds its place meanwhile, and the read comes after.
	if (quietSeconds > 0 && requests.some(Boolean)) await sleep(quietSeconds * 1000);

	for (const request of requests) {
		if (!request) continue;
		try {
			const item = await burstItem(this, request);
			if (item) output.push(item);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, request.itemIndex);
			output.push(errorItem(error, request.itemIndex));
		}
	}
	output.sort(
		(a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item,
	);
	return [output];
}
