/**
 * The subtitle under a node's name on the canvas: the editor evaluates the node's `subtitle`
 * expression with the node's parameters. Evaluated here by n8n-workflow's own expression engine,
 * as n8n 2.41's and 1.x's editors do.
 */
import type { INode, INodeType, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { Workflow as Workflow1 } from 'n8n-workflow-1.83';

import { CronCrm } from '../nodes/CronCrm/CronCrm.node';
import { RESOURCES } from '../nodes/CronCrm/resources';
import { CronCrmTrigger } from '../nodes/CronCrmTrigger/CronCrmTrigger.node';
import { EVENTS } from '../nodes/CronCrmTrigger/events';

const action = new CronCrm();
const trigger = new CronCrmTrigger();
const types: Record<string, INodeType> = { cronCrm: action, cronCrmTrigger: trigger };
const nodeTypes: INodeTypes = {
	getByName: (name) => types[name],
	getByNameAndVersion: (name) => types[name],
	getKnownTypes: () => ({}),
};

const engines = [
	['n8n-workflow 2.41', Workflow],
	['n8n-workflow 1.83', Workflow1 as unknown as typeof Workflow],
] as const;

function subtitleOf(
	WorkflowClass: typeof Workflow,
	type: 'cronCrm' | 'cronCrmTrigger',
	parameters: INode['parameters'],
) {
	const node: INode = {
		id: 'node',
		name: 'Node',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	const workflow = new WorkflowClass({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(
		node,
		types[type].description.subtitle,
		'internal',
		{},
	);
}

describe.each(engines)('Node subtitles, evaluated by %s', (_, WorkflowClass) => {
	it.each([
		['message', 'sendText', 'Send Text: Message'],
		['lead', 'create', 'Create: Lead'],
		['tag', 'addToChat', 'Add or Remove in Chat: Tag'],
		['message', 'sendAndWait', 'Send and Wait for Response: Message'],
		['funnelStep', 'getMany', 'Get Many: Funnel Step'],
	])('the action node on %s → %s shows "%s"', (resource, operation, expected) => {
		expect(subtitleOf(WorkflowClass, 'cronCrm', { resource, operation })).toBe(expected);
	});

	it('gives every operation of every resource its display names', () => {
		for (const resource of RESOURCES) {
			for (const operation of resource.operations) {
				expect(
					subtitleOf(WorkflowClass, 'cronCrm', {
						resource: resource.value,
						operation: operation.value,
					}),
				).toBe(`${operation.name}: ${resource.name}`);
			}
		}
	});

	it('falls back to the raw values for an operation it does not know', () => {
		expect(
			subtitleOf(WorkflowClass, 'cronCrm', { resource: 'message', operation: 'teleport' }),
		).toBe('teleport: message');
	});

	it("the trigger shows its events' names", () => {
		expect(subtitleOf(WorkflowClass, 'cronCrmTrigger', { events: ['onReceived', 'onAck'] })).toBe(
			'Message Received, Message Status Changed',
		);
		expect(subtitleOf(WorkflowClass, 'cronCrmTrigger', { events: ['IncomingCall'] })).toBe(
			'Incoming Call',
		);
		expect(subtitleOf(WorkflowClass, 'cronCrmTrigger', { events: [] })).toBe('');
		expect(
			subtitleOf(WorkflowClass, 'cronCrmTrigger', { events: EVENTS.map((event) => event.hook) }),
		).toBe(EVENTS.map((event) => event.name).join(', '));
	});
});
