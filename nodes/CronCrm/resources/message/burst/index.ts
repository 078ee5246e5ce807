import type { INodeProperties } from 'n8n-workflow';

import { chatId, str } from '../../../shared/fields';
import type { OperationSpec } from '../../../shared/operation';
import { BURST_LIMITS, FIND_PATH, waitForBurstRun } from './run';

/**
 * Message → Wait for Burst to End: one answer per burst of messages. A custom operation, since
 * it waits before it reads; it keeps nothing between executions (see run.ts and read.ts).
 */

const burstProperties: INodeProperties[] = [
	{
		displayName: 'Quiet Period (Seconds)',
		name: 'quietSeconds',
		type: 'number',
		typeOptions: {
			minValue: BURST_LIMITS.quietSeconds.min,
			maxValue: BURST_LIMITS.quietSeconds.max,
			numberPrecision: 1,
		},
		// Literal, as n8n's lint wants; BURST_LIMITS.quietSeconds.default says the same.
		default: 5,
		description: `How long to wait after the message before reading the chat, up to ${BURST_LIMITS.quietSeconds.max}. A message that arrives within it joins the burst; the bot's answer comes this much later.`,
	},
	{
		displayName: 'Options',
		name: 'burstOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Maximum Burst Length (Seconds)',
				name: 'maxBurstSeconds',
				type: 'number',
				typeOptions: {
					minValue: BURST_LIMITS.windowSeconds.min,
					maxValue: BURST_LIMITS.windowSeconds.max,
				},
				default: 300,
				description: `Messages received longer ago than this before the last one are left out of the burst, even when nothing was sent to the chat since (up to ${BURST_LIMITS.windowSeconds.max})`,
			},
			{
				displayName: 'Text Separator',
				name: 'separator',
				type: 'string',
				default: '\n',
				description: 'Put between the messages\' texts in "text". Default: a new line.',
			},
		],
	},
];

export function waitForBurstOperation(): OperationSpec {
	const spec: OperationSpec = {
		value: 'waitForBurst',
		name: 'Wait for Burst to End',
		action: 'Wait for a burst of messages to end',
		description:
			'For chatbots: answer a contact once per burst of messages ("oi" / "quero saber o preço" / "do plano anual"), not once per message. Put it right after the CRONCRM Trigger (Message Received): it waits the quiet period, then reads the chat (messages/find). If the contact sent something newer, this execution outputs nothing (the newer message\'s execution answers). Otherwise it outputs one item: the burst\'s messages in order, their texts joined in "text", the count, the first and last timestamps, whether any carries media, and "answering", the last message sent to the chat before the burst.',
		method: 'GET',
		path: FIND_PATH,
		fields: [
			chatId({
				default: '={{ $json.chat_wid }}',
				description:
					'The chat whose burst to read. By default the trigger\'s "chat_wid": phone number or WhatsApp ID (@c.us, @lid, @s.whatsapp.net).',
			}),
			str('messageToken', 'Message Access Token', 'access_token', {
				default: '={{ $json.message_access_token }}',
				description:
					'The message that started this execution, by its access_token. By default the trigger\'s "message_access_token". Empty: the chat\'s latest received message.',
			}),
		],
		extraProperties: burstProperties,
	};
	spec.custom = {
		run: waitForBurstRun,
		requires:
			'n8n runs it as a custom operation of a declarative node, which this n8n version does not support',
		note: 'Waits, then reads the chat (see Chatbots: one answer per burst)',
	};
	return spec;
}
