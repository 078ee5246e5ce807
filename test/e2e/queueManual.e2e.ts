/**
 * Manual executions in queue mode, as n8n 3.0 always runs them: on the workers
 * (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true, set by scripts/queue.ts). Started the way the editor
 * starts them, through main's REST API with the owner's session: "Execute workflow" on a CRONCRM
 * workflow, and "Listen for test event" on a CRONCRM Trigger, whose test URL CRONCRM reaches
 * through the load balancer (test webhooks are served by main only).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { SEED } from '../../sandbox/handlers/seed';
import type { Execution } from '../../scripts/lib/n8n-client';
import type { QueueStack } from '../../scripts/queue';
import { eventually, fireHook, Suite } from './harness';
import { QUEUE_KEYS } from './queue.e2e';
import { chain, croncrmNode, triggerNode } from './workflows';

export function manualExecutionSuite(stack: QueueStack, report: (line: string) => void): Suite {
	const suite = new Suite('Queue mode: manual executions on the workers (as on n8n 3.0)');
	const { n8n, sandbox } = stack;
	const created: string[] = [];
	const credentials = {
		cronCrmApi: { id: stack.credentials.events, name: QUEUE_KEYS.events.credentialName },
	};

	/** The worker whose log says it ran this execution. */
	function workerOf(executionId: string): string | undefined {
		return stack.processes
			.filter((p) => p.name.startsWith('worker'))
			.find((worker) =>
				new RegExp(`Worker started execution ${executionId}\\b`).test(
					readFileSync(worker.logFile, 'utf8'),
				),
			)?.name;
	}

	const slotsOf = (instance: string) =>
		JSON.stringify(sandbox.state.instances.find((i) => i.access_token === instance)!.webhooks);

	function outputOf(execution: Execution, node: string) {
		const runs = execution.data?.resultData.runData[node] ?? [];
		return runs.flatMap((run) => run.data?.main[0] ?? []).map((item) => item.json);
	}

	async function createWorkflow(name: string, nodes: Array<Record<string, unknown>>) {
		const workflow = await n8n.createWorkflow(chain(`[queue] ${name}`, nodes));
		created.push(workflow.id);
		return workflow;
	}

	suite.test('"Execute workflow" on Manual Trigger → Send Text runs on a worker', async () => {
		const since = Date.now();
		const workflow = await createWorkflow('manual send', [
			{
				id: randomUUID(),
				name: 'Manual',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			croncrmNode(
				'Send Text',
				{
					resource: 'message',
					operation: 'sendText',
					chatId: '+55 (21) 99000-0031',
					message: 'Olá from a manual run',
					additionalFields: {},
				},
				credentials,
			),
		]);
		const started = await n8n.rest<{ executionId?: string }>(
			'POST',
			`/workflows/${workflow.id}/run`,
			{ triggerToStartFrom: { name: 'Manual' } },
		);
		assert.ok(started.executionId, `no execution started: ${JSON.stringify(started)}`);
		const execution = await eventually(
			'the manual execution to finish',
			async () => {
				const found = await n8n.api<Execution>(
					'GET',
					`/executions/${started.executionId}?includeData=true`,
				);
				return ['running', 'new', 'waiting'].includes(found.status) ? undefined : found;
			},
			60_000,
		);
		assert.equal(execution.status, 'success', JSON.stringify(execution.data?.resultData.error));
		assert.equal(execution.mode, 'manual');
		assert.equal(outputOf(execution, 'Send Text')[0]?.success, true);
		const sent = sandbox.requests.filter(
			(r) => r.at >= since && r.route === 'POST /messages/send-message-text',
		);
		assert.deepEqual(
			sent.map((r) => r.body),
			[{ chat_wid: '5521990000031@c.us', message: 'Olá from a manual run' }],
		);
		const worker = workerOf(String(execution.id));
		assert.ok(worker, `manual execution ${execution.id} is in no worker's log`);
		report(`Manual execution ${execution.id} ran on ${worker}`);
	});

	suite.test(
		'"Listen for test event" on a CRONCRM Trigger: the test URL in the slot, the event run once on a worker, the slot put back',
		async () => {
			const instance = SEED.instances.sales;
			const before = slotsOf(instance);
			const webhookId = randomUUID();
			const workflow = await createWorkflow('listen for test event', [
				triggerNode(webhookId, instance, ['onReceived'], credentials),
			]);
			const listening = await n8n.rest<{ waitingForWebhook?: boolean }>(
				'POST',
				`/workflows/${workflow.id}/run`,
				{ triggerToStartFrom: { name: 'CRONCRM Trigger' } },
			);
			assert.equal(listening.waitingForWebhook, true, JSON.stringify(listening));
			const testUrl = `${stack.webhookOrigin}/webhook-test/${webhookId}/webhook?`;
			await eventually('the test URL in the message slot', async () =>
				slotsOf(instance).includes(testUrl) ? true : undefined,
			);
			const fired = await fireHook(sandbox.origin, {
				instance,
				hook: 'onReceived',
				payload: { message: { message_body: 'a test event' } },
			});
			assert.equal(fired.status, 200, `the test event was answered ${fired.status}`);
			const [execution] = await eventually(
				'the test execution',
				async () => {
					const done = (await n8n.executions(workflow.id)).filter(
						(e) => !['running', 'new', 'waiting'].includes(e.status),
					);
					return done.length ? done : undefined;
				},
				60_000,
			);
			assert.equal(execution.status, 'success');
			assert.equal(execution.mode, 'manual');
			assert.equal(outputOf(execution, 'CRONCRM Trigger')[0]?.text, 'a test event');
			const worker = workerOf(String(execution.id));
			assert.ok(worker, `test execution ${execution.id} is in no worker's log`);
			report(`Test event execution ${execution.id} ran on ${worker}`);
			// One event ends the listening: n8n removes the test webhook and the trigger puts the slot back.
			await eventually('the slot put back', async () =>
				slotsOf(instance) === before ? true : undefined,
			);
			assert.equal((await n8n.executions(workflow.id)).length, 1, 'one execution');
		},
	);

	suite.test('clean up the manual-execution workflows', async () => {
		for (const id of created) {
			await eventually(`workflow ${id} deleted`, async () => {
				await n8n.deleteWorkflow(id);
				return true;
			});
		}
	});

	return suite;
}
