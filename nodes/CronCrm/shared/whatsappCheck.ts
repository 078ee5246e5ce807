import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { croncrmRequest } from '../transport';

/**
 * "Check WhatsApp First": before a send, ask CRONCRM (tools/have-whatsapp) whether the chat's
 * number has WhatsApp, and send to the id it answers. That id may differ from the typed number
 * (Brazil's ninth digit, Meta's private @lid/@jid ids), which is the point of asking.
 */

type CheckCache = Map<string, Promise<IDataObject>>;

/** A property of the node's execution context that n8n never saves (it is not enumerable). */
const CACHE_KEY = 'croncrmWhatsappChecks';

/**
 * The checks already made in this execution by this node, by number. Items run concurrently,
 * so the cache holds the pending request: items with the same number share one request.
 */
function cacheOf(ctx: IExecuteSingleFunctions): CheckCache {
	const context = ctx.getContext('node') as Record<string, unknown>;
	let cache = context[CACHE_KEY] as CheckCache | undefined;
	if (!cache) {
		cache = new Map();
		Object.defineProperty(context, CACHE_KEY, { value: cache, enumerable: false });
	}
	return cache;
}

/**
 * The chat id to send to: the wid have-whatsapp answers for the chat's number. Ids that are no
 * phone number (groups, @lid, @jid) are sent as given. A number without WhatsApp fails the
 * item, and nothing is sent for it.
 */
export async function checkedChatId(
	ctx: IExecuteSingleFunctions,
	chatWid: string,
	itemIndex: number,
): Promise<string> {
	if (!chatWid.endsWith('@c.us')) return chatWid;
	const phone = chatWid.slice(0, -'@c.us'.length);
	const cache = cacheOf(ctx);
	let check = cache.get(phone);
	if (!check) {
		check = croncrmRequest(
			ctx,
			{ method: 'GET', url: '/tools/have-whatsapp', qs: { phone } },
			itemIndex,
		);
		cache.set(phone, check);
	}
	let reply: IDataObject;
	try {
		reply = await check;
	} catch (error) {
		// Items with the same number share the request, and so its failure: name this item.
		throw new NodeOperationError(
			ctx.getNode(),
			`Chat: CRONCRM's WhatsApp check for +${phone} failed: ${(error as Error).message} (item ${itemIndex})`,
			{
				itemIndex,
				// The transport's advice (e.g. which n8n setting allows the host) stays in view.
				description: [
					(error as { description?: unknown }).description,
					'Nothing was sent for this item.',
				]
					.filter((part) => typeof part === 'string' && part !== '')
					.join(' '),
			},
		);
	}
	const profile = (reply.profile ?? {}) as IDataObject;
	if (Number(profile.status) !== 200) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Chat: +${phone} has no WhatsApp (item ${itemIndex})`,
			{
				itemIndex,
				description: `CRONCRM's WhatsApp check (tools/have-whatsapp) answered status ${String(profile.status ?? 'none')} for ${phone}. Nothing was sent for this item. Check the number, its country and area code.`,
			},
		);
	}
	if (typeof profile.wid !== 'string' || !profile.wid.includes('@')) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Chat: CRONCRM's WhatsApp check gave no chat ID for +${phone} (item ${itemIndex})`,
			{
				itemIndex,
				description: `tools/have-whatsapp answered status 200 without a wid. Nothing was sent for this item; turn off "Check WhatsApp First" to send to ${chatWid} as typed.`,
			},
		);
	}
	return profile.wid;
}
