import type { FieldSpec } from '../../../shared/fields';
import type { OperationSpec } from '../../../shared/operation';
import { sendOperation } from '../fields';
import { sendAndWaitProperties } from './fields';
import { sendAndWaitRun } from './run';

export { sendAndWaitWebhook, sendAndWaitWebhooks } from './webhook';

/**
 * Message → Send and Wait for Response (human in the loop): a text through send-message-text
 * with links to n8n, then the execution waits for the contact's answer. It is the one custom
 * operation of the node; every other operation stays declarative.
 */
export function sendAndWaitOperation(messageText: FieldSpec): OperationSpec {
	const spec: OperationSpec = {
		...sendOperation({
			value: 'sendAndWait',
			name: 'Send and Wait for Response',
			action: 'Send a message and wait for the response',
			description:
				'Send a text with links to approve, decline or fill in a form, and wait until the contact answers (messages/send-message-text)',
			path: '/messages/send-message-text',
			fields: [messageText],
		}),
		extraProperties: sendAndWaitProperties,
	};
	spec.custom = {
		run: sendAndWaitRun(spec),
		requires:
			'n8n runs it as a custom operation of a declarative node, which this n8n version does not support',
		withoutWebhook:
			'on this n8n version the node cannot have the webhook its answer links lead to (n8n from mid-2025 on can)',
	};
	return spec;
}
