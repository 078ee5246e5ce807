/**
 * The nodes the end-to-end suites build workflows from, as n8n's public API takes them, and
 * a chain of nodes as one workflow definition. One place, so the suites agree on types.
 */
import { randomUUID } from 'node:crypto';

export const ACTION = 'n8n-nodes-croncrm.cronCrm';
export const TRIGGER = 'n8n-nodes-croncrm.cronCrmTrigger';

type Node = Record<string, unknown>;
export type CredentialRef = { cronCrmApi: { id: string; name: string } };

/** n8n's Webhook node (POST) at `path`; responseMode and others in `parameters`. */
export function webhookNode(path: string, parameters: Record<string, unknown> = {}): Node {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {}, ...parameters },
	};
}

/** A CRONCRM action node. */
export function croncrmNode(
	name: string,
	parameters: Record<string, unknown>,
	credentials: CredentialRef,
	position: [number, number] = [260, 0],
): Node {
	return {
		id: randomUUID(),
		name,
		type: ACTION,
		typeVersion: 1,
		position,
		parameters,
		credentials,
	};
}

/** A CRONCRM Trigger on an instance (access token), for these events. */
export function triggerNode(
	webhookId: string,
	instance: string,
	events: string[],
	credentials: CredentialRef,
): Node {
	return {
		id: randomUUID(),
		name: 'CRONCRM Trigger',
		type: TRIGGER,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters: {
			instance: { __rl: true, mode: 'list', value: instance, cachedResultName: 'Sales WhatsApp' },
			events,
		},
		credentials,
	};
}

/** The nodes connected one after the other, as a workflow definition. */
export function chain(name: string, nodes: Node[]) {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[String(nodes[i].name)] = {
			main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]],
		};
	}
	return { name, nodes, connections };
}

/**
 * The chatbot that answers each burst once: CRONCRM Trigger (skipping chats a person handles)
 * → Wait for Burst to End → one Send Text quoting the burst. A short quiet period keeps the
 * suites quick; the bursts the suites play have shorter gaps than it.
 */
export function burstBotNodes(
	webhookId: string,
	instance: string,
	credentials: CredentialRef,
	quietSeconds: number,
): Node[] {
	const trigger = triggerNode(webhookId, instance, ['onReceived'], credentials);
	(trigger.parameters as Record<string, unknown>).options = {
		ignoreOwnMessages: true,
		ignoreHandledChats: true,
	};
	return [
		trigger,
		croncrmNode(
			'Wait for Burst to End',
			{
				resource: 'message',
				operation: 'waitForBurst',
				chatId: '={{ $json.chat_wid }}',
				messageToken: '={{ $json.message_access_token }}',
				quietSeconds,
			},
			credentials,
		),
		croncrmNode(
			'Send Reply',
			{
				resource: 'message',
				operation: 'sendText',
				chatId: '={{ $json.chat_wid }}',
				message: '=Recebemos: {{ $json.text }}',
				additionalFields: {},
			},
			credentials,
			[520, 0],
		),
	];
}
