import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { listSearch } from './methods/listSearch';
import { RESOURCES } from './resources';
import { sendAndWaitWebhook, sendAndWaitWebhooks } from './resources/message/sendAndWait';
import { customOperationsOf, resourceDropdown, resourceProperties } from './shared/operation';
import { operationSubtitle } from './shared/subtitle';

export class CronCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRONCRM',
		name: 'cronCrm',
		icon: {
			light: 'file:../../icons/croncrm.svg',
			dark: 'file:../../icons/croncrm.dark.svg',
		},
		group: ['transform'],
		version: 1,
		// Built from RESOURCES: "Send Text: Message". (n8n's lint asks for a literal subtitle when the
		// properties are literal Resource and Operation dropdowns; they are built from RESOURCES too.)
		subtitle: operationSubtitle(RESOURCES),
		description:
			'Send WhatsApp messages and manage chats, groups, contacts, tags, funnels and leads in CRONCRM',
		defaults: { name: 'CRONCRM' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cronCrmApi', required: true }],
		// Message → Send and Wait for Response: the links in the message lead here, under the
		// waiting execution's resume URL.
		webhooks: sendAndWaitWebhooks,
		// The transport (transport/index.ts) sets the base URL and headers of every request itself;
		// this default only mirrors the credential for n8n's routing.
		requestDefaults: { baseURL: '={{$credentials.baseUrl}}' },
		properties: [resourceDropdown(RESOURCES), ...RESOURCES.flatMap(resourceProperties)],
	};

	methods = { listSearch };

	// The operations routing cannot express (Send and Wait); all others stay declarative.
	customOperations = customOperationsOf(RESOURCES, () => this.webhook !== undefined);

	/**
	 * Where Send and Wait's answer links lead. n8n (from mid-2025) gives every declarative node an
	 * `execute` method that runs its routing. Older versions give none to a node with `methods`
	 * (our dropdowns), and there a node with a `webhook` gets no input items for its expressions
	 * in any declarative operation. So the webhook exists only once n8n has given the node its
	 * execute method; without it, Send and Wait refuses before sending (customOperationsOf).
	 */
	get webhook(): INodeType['webhook'] {
		return (this as INodeType).execute ? sendAndWaitWebhook : undefined;
	}
}
