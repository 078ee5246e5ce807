import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { croncrmRequest } from '../CronCrm/transport';
import { MESSAGE_HOOKS } from './events';
import type { NormalizedEvent } from './payload';

/**
 * The trigger's two options that need more than the event itself: "Ignore Chats Handled by a
 * Person" (may ask CRONCRM) and "Ignore Repeated Deliveries" (remembers what it started).
 */

/** customer_service_status_id: 1 "Em atendimento" (a person has it), 2 "Aguardando atendimento". */
export const HANDLED_BY_A_PERSON = new Set([1, 2]);

function statusIn(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const status = Number(value);
	return Number.isInteger(status) ? status : undefined;
}

/** The chat's service status as the event carries it (its `chat` record), if it does. */
export function statusFromEvent(body: IDataObject): number | undefined {
	const chat = body.chat;
	const fromChat =
		chat && typeof chat === 'object' && !Array.isArray(chat)
			? statusIn((chat as IDataObject).customer_service_status_id)
			: undefined;
	return fromChat ?? statusIn(body.customer_service_status_id);
}

/**
 * Why a message event is skipped because a person handles its chat, or undefined. Reads the
 * status from the event, else asks chats/find once (one request, with one quick retry at most:
 * CRONCRM waits for this webhook's answer). If that lookup fails, the event passes: losing a
 * message is worse than a bot answering; the reason is on the item (`service_status_error`).
 */
export async function handledByAPerson(
	ctx: IWebhookFunctions,
	body: IDataObject,
	event: NormalizedEvent,
): Promise<{ skip?: string; error?: string }> {
	if (!MESSAGE_HOOKS.has(event.event) || event.chat_wid === null) return {};
	let status = statusFromEvent(body);
	if (status === undefined) {
		try {
			const reply = await croncrmRequest(ctx, {
				method: 'GET',
				url: '/chats/find',
				qs: { chat_wid: event.chat_wid },
				retries: { transient: 1, rateLimit: 0 },
			});
			const chats = Array.isArray(reply.chats) ? (reply.chats as IDataObject[]) : [];
			status = statusIn(
				chats.find((c) => c.chat_wid === event.chat_wid)?.customer_service_status_id,
			);
		} catch (error) {
			return { error: (error as Error).message };
		}
	}
	return status !== undefined && HANDLED_BY_A_PERSON.has(status)
		? { skip: `chat handled by a person (customer_service_status_id ${status})` }
		: {};
}

/** How long, and how many, deliveries "Ignore Repeated Deliveries" remembers. */
export const REPEATS = { windowMs: 10 * 60_000, maxRemembered: 10_000 };

/** Deliveries started, by key, with when: this process's memory only (see the option). */
const started = new Map<string, number>();

/**
 * Whether this delivery repeats one that started an execution within REPEATS.windowMs: the same
 * hook about the same message (for acks, at the same ack level), for the same trigger node.
 * Events that name no message are never taken for repeats.
 */
export function isRepeatedDelivery(
	triggerKey: string,
	event: NormalizedEvent,
	now = Date.now(),
): boolean {
	if (!MESSAGE_HOOKS.has(event.event) || event.message_access_token === null) return false;
	const key = [
		triggerKey,
		event.event,
		event.message_access_token,
		event.event === 'onAck' ? String(event.ack) : '',
	].join('|');
	// Oldest first (a Map keeps insertion order): forget what has left the window, and the
	// oldest beyond the bound.
	for (const [oldKey, at] of started) {
		if (now - at < REPEATS.windowMs && started.size < REPEATS.maxRemembered) break;
		started.delete(oldKey);
	}
	const seen = started.get(key);
	if (seen !== undefined && now - seen < REPEATS.windowMs) return true;
	started.delete(key);
	started.set(key, now);
	return false;
}
