import type { IDataObject } from 'n8n-workflow';

import { splitList, toWid } from '../CronCrm/shared/values';
import { GROUP_HOOKS } from './events';
import { isOwnMessage, type NormalizedEvent } from './payload';

/** The trigger's Options collection. */
export interface TriggerOptions {
	ignoreOwnMessages?: boolean;
	ignoreGroups?: boolean;
	onlyChats?: string;
	ackLevels?: string[];
	downloadMedia?: boolean;
	binaryPropertyName?: string;
	takeOver?: boolean;
	ignoreHandledChats?: boolean;
	ignoreRepeatedDeliveries?: boolean;
}

/** "Only These Chats" as WhatsApp ids. Throws on an entry that is neither a phone nor an id. */
export function chatList(onlyChats: string | undefined): string[] {
	return splitList(onlyChats ?? '').map(toWid);
}

/**
 * Why an event the user selected still starts nothing, or undefined when it passes.
 * Each option applies only to the events it makes sense for (see the option descriptions).
 */
export function filteredOut(
	body: IDataObject,
	event: NormalizedEvent,
	options: TriggerOptions,
): string | undefined {
	if (options.ignoreOwnMessages && event.event === 'onReceived' && isOwnMessage(body)) {
		return 'message sent by this account';
	}
	if (options.ignoreGroups && !GROUP_HOOKS.has(event.event) && event.chat_wid?.endsWith('@g.us')) {
		return 'group chat';
	}
	if (options.onlyChats && event.chat_wid !== null) {
		// Entries were checked on activation; one made bad since then simply matches nothing.
		const chats = splitList(options.onlyChats).flatMap((entry) => {
			try {
				return [toWid(entry)];
			} catch {
				return [];
			}
		});
		if (!chats.includes(event.chat_wid)) return 'chat not in Only These Chats';
	}
	if (options.ackLevels?.length && event.event === 'onAck') {
		if (event.ack === null || !options.ackLevels.includes(String(event.ack))) {
			return 'ack level not selected';
		}
	}
	return undefined;
}
