/**
 * The package on n8n's queue mode (started by scripts/queue.ts): main + webhook processor + two
 * workers on one Postgres and one Redis. Everything goes through n8n's public API on main and
 * through the webhook processor, as a user's own automation would; the sandbox tells what CRONCRM
 * received, and the workers' logs tell which worker ran which execution. Assertions are on counts,
 * never on timings (the machine may be shared); rates are reported, not asserted.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { SEED } from '../../sandbox/handlers/seed';
import { DEFAULT_API_KEY, type RecordedRequest } from '../../sandbox/server';
import type { Execution } from '../../scripts/lib/n8n-client';
import type { QueueStack } from '../../scripts/queue';
import { callWebhook, eventually, fireHook, playBurst, servedUrl, sleep, Suite } from './harness';
import { burstBotNodes, chain, croncrmNode, triggerNode, webhookNode } from './workflows';

const SEND_TEXT = 'POST /messages/send-message-text';

/**
 * The sandbox's cap: CRONCRM's 50 per sliding window, with a 5 s window instead of 10 s so that
 * 300 sends take about 30 s rather than 60 s. The credentials are set to the same numbers.
 */
export const QUEUE_RATE = { limit: 50, windowSeconds: 5 };

/**
 * One API key per credential, so each scenario has its own window in the sandbox. Each counts
 * the n8n processes that really send with its key, as the README's recipe says.
 */
export const QUEUE_KEYS = {
	/** (a) and (b): main registers the trigger, the webhook processor and the workers run nodes. */
	events: {
		credentialName: 'CRONCRM (all 4 processes)',
		apiKey: DEFAULT_API_KEY,
		sendingProcesses: 4,
	},
	/** (c) with the share: only the two workers send with this key. */
	shared: {
		credentialName: 'CRONCRM (2 workers)',
		apiKey: 'queue-key-shared',
		sendingProcesses: 2,
	},
	/** (c) without the share: each worker believes it has the whole allowance. */
	unshared: {
		credentialName: 'CRONCRM (share not set)',
		apiKey: 'queue-key-unshared',
		sendingProcesses: 1,
	},
	/** (e) one execution on one worker at a time; the test raises the sandbox's cap for it. */
	campaign: {
		credentialName: 'CRONCRM (campaign crash)',
		apiKey: 'queue-key-campaign',
		sendingProcesses: 1,
	},
};

/** (e): contacts in the campaign, sends CRONCRM gets before the worker dies, the raised cap. */
const CRASH = { contacts: 300, sentBeforeKill: 100, limit: 200 };

const BROADCAST = { executions: 10, perExecution: 30 };

export function queueSuite(stack: QueueStack, report: (line: string) => void): Suite {
	const suite = new Suite('Queue mode: main + webhook processor + 2 workers, Postgres, Redis');
	const { n8n, sandbox } = stack;
	const created: string[] = [];
	const workers = stack.processes.filter((p) => p.name.startsWith('worker'));

	const credentialsFor = (key: keyof typeof QUEUE_KEYS) => ({
		cronCrmApi: { id: stack.credentials[key], name: QUEUE_KEYS[key].credentialName },
	});

	/** Which worker ran each execution, from the workers' own log lines. */
	function workerOf(): Map<string, string> {
		const ranBy = new Map<string, string>();
		for (const worker of workers) {
			const text = readFileSync(worker.logFile, 'utf8');
			for (const match of text.matchAll(/Worker started execution (\d+)/g)) {
				ranBy.set(match[1], worker.name);
			}
		}
		return ranBy;
	}

	async function createWorkflow(name: string, nodes: Array<Record<string, unknown>>) {
		const workflow = await n8n.createWorkflow(chain(`[queue] ${name}`, nodes));
		created.push(workflow.id);
		return workflow;
	}

	const sendTextNode = (key: keyof typeof QUEUE_KEYS, chatId: string, message: string) =>
		croncrmNode(
			'Send Text',
			{ resource: 'message', operation: 'sendText', chatId, message, additionalFields: {} },
			credentialsFor(key),
			[520, 0],
		);

	const postToWebhook = async (path: string, body: unknown) =>
		await callWebhook(stack.webhookOrigin, path, body);

	const finishedExecutions = async (workflowId: string) =>
		(await n8n.executions(workflowId)).filter(
			(e) => !['running', 'new', 'waiting'].includes(e.status),
		);

	function outputOf(execution: Execution, node: string) {
		const runs = execution.data?.resultData.runData[node] ?? [];
		return runs.flatMap((run) => run.data?.main[0] ?? []).map((item) => item.json);
	}

	const slotsOf = (instance: string) =>
		(sandbox.state.instances.find((i) => i.access_token === instance)!.webhooks ?? {}) as Record<
			string,
			string
		>;

	// A failed test must not leave a workflow active for the next.
	suite.afterFailure(async () => {
		for (const id of created) await n8n.deactivate(id).catch(() => undefined);
	});

	suite.test(
		'(a) Webhook → Send Text: called on the webhook processor, run on a worker',
		async () => {
			const since = Date.now();
			const workflow = await createWorkflow('send text', [
				webhookNode('queue-send-text'),
				sendTextNode('events', '={{ $json.body.phone }}', '={{ $json.body.text }}'),
			]);
			await n8n.activate(workflow.id);
			const reply = await postToWebhook('queue-send-text', {
				phone: '+55 (21) 99000-0001',
				text: 'Olá from a worker',
			});
			assert.equal(reply.status, 200, JSON.stringify(reply.body));
			assert.equal((reply.body as { success?: boolean }).success, true, JSON.stringify(reply.body));

			const sent = sandbox.requests.filter((r) => r.at >= since && r.route === SEND_TEXT);
			assert.equal(sent.length, 1, `expected one send, sandbox got ${sent.length}`);
			assert.deepEqual(sent[0].body, {
				chat_wid: '5521990000001@c.us',
				message: 'Olá from a worker',
			});
			const [execution] = await eventually('the execution', async () => {
				const done = await finishedExecutions(workflow.id);
				return done.length ? done : undefined;
			});
			assert.equal(execution.status, 'success');
			const worker = workerOf().get(String(execution.id));
			assert.ok(worker, `execution ${execution.id} is in no worker's log`);
			report(`(a) execution ${execution.id} ran on ${worker}`);
			await n8n.deactivate(workflow.id);
		},
	);

	suite.test(
		'(b) the trigger registers from main; events to the webhook processor run once each on a worker; a forged call gets 401; deactivation restores the slots',
		async () => {
			const instance = SEED.instances.sales;
			const before = { ...slotsOf(instance) };
			const webhookId = randomUUID();
			const workflow = await createWorkflow('trigger', [
				triggerNode(webhookId, instance, ['onReceived'], credentialsFor('events')),
			]);
			await n8n.activate(workflow.id);
			const slotUrlPrefix = `${stack.webhookOrigin}/webhook/${webhookId}/webhook?`;
			const slotUrl = await eventually('the trigger to register its URL', async () => {
				const url = slotsOf(instance).message;
				return url?.startsWith(slotUrlPrefix) ? url : undefined;
			});

			const texts = ['um', 'dois', 'três', 'quatro', 'cinco'].map((t) => `queue event ${t}`);
			for (const text of texts) {
				// The webhook processor may need a moment to see the new webhook: CRONCRM would retry.
				const delivery = await eventually(`the event "${text}" accepted`, async () => {
					const fired = (await fireHook(sandbox.origin, {
						instance,
						hook: 'onReceived',
						payload: { chat: { chat_wid: '5521990000002@c.us' }, message: { message_body: text } },
					})) as { status?: number; response?: unknown };
					return fired.status === 404 ? undefined : fired;
				});
				assert.equal(delivery.status, 200, `${text}: ${JSON.stringify(delivery)}`);
				assert.deepEqual(delivery.response, { success: true, started: true });
			}

			const forgedUrl = slotUrl.replace(/croncrm_secret=[^&]*/, 'croncrm_secret=forged');
			assert.notEqual(forgedUrl, slotUrl, `no secret in ${slotUrl}`);
			const forged = await fetch(forgedUrl, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ hook: 'onReceived', message: { message_body: 'forged' } }),
			});
			assert.equal(forged.status, 401, 'a call without the secret is refused');

			await eventually(
				'an execution per event',
				async () => {
					const done = await finishedExecutions(workflow.id);
					return done.length >= texts.length ? done : undefined;
				},
				60_000,
			);
			await sleep(3000); // a duplicate, or an execution for the forged call, would have shown by now
			const executions = await finishedExecutions(workflow.id);
			const received = executions.map((e) => String(outputOf(e, 'CRONCRM Trigger')[0]?.text));
			assert.deepEqual(received.sort(), [...texts].sort(), 'exactly one execution per event');
			assert.ok(executions.every((e) => e.status === 'success'));
			const ranBy = workerOf();
			const where = executions.map((e) => ranBy.get(String(e.id)));
			assert.ok(
				where.every((w) => w !== undefined),
				`every execution on a worker: ${JSON.stringify(where)}`,
			);
			report(`(b) ${texts.length} events -> executions on ${where.join(', ')}; forged call 401`);

			await n8n.deactivate(workflow.id);
			const restored = await eventually('the slots put back', async () =>
				JSON.stringify(slotsOf(instance)) === JSON.stringify(before) ? true : undefined,
			).catch(() => false);
			assert.deepEqual(slotsOf(instance), before, 'deactivation restores every slot');
			assert.ok(restored);
		},
	);

	/**
	 * A broadcast of 300 sends as 10 executions of 30, started at once on the webhook processor:
	 * each worker takes at most 5 jobs, so both send at the same time with one key.
	 */
	async function broadcast(key: keyof typeof QUEUE_KEYS) {
		const label = `broadcast-${key}`;
		const workflow = await createWorkflow(label, [
			webhookNode(`queue-${label}`, { responseMode: 'onReceived' }),
			{
				id: randomUUID(),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [260, 0],
				parameters: { fieldToSplitOut: 'body.messages', include: 'noOtherFields', options: {} },
			},
			sendTextNode(key, '={{ $json.phone }}', '={{ $json.text }}'),
		]);
		await n8n.activate(workflow.id);
		// One probe call with no messages makes sure the webhook processor serves the path.
		await postToWebhook(`queue-${label}`, { messages: [] });
		const probe = await eventually('the probe execution', async () => {
			const done = await finishedExecutions(workflow.id);
			return done.length ? done : undefined;
		});
		const probeIds = new Set(probe.map((e) => String(e.id)));
		const rejectedBefore = sandbox.rejected;
		const since = Date.now();
		const calls = Array.from({ length: BROADCAST.executions }, async (_, e) => {
			const messages = Array.from({ length: BROADCAST.perExecution }, (_, i) => {
				const n = e * BROADCAST.perExecution + i;
				return { phone: `55219${String(80000000 + n)}`, text: `${label} #${n}` };
			});
			return await postToWebhook(`queue-${label}`, { messages });
		});
		for (const reply of await Promise.all(calls)) assert.equal(reply.status, 200);
		const total = BROADCAST.executions * BROADCAST.perExecution;
		const executions = await eventually(
			`${BROADCAST.executions} executions of ${label}`,
			async () => {
				const done = (await finishedExecutions(workflow.id)).filter(
					(e) => !probeIds.has(String(e.id)),
				);
				return done.length >= BROADCAST.executions ? done : undefined;
			},
			300_000,
			2000,
		);
		await n8n.deactivate(workflow.id);

		const ranBy = workerOf();
		const perWorker = workers.map(
			(w) => executions.filter((e) => ranBy.get(String(e.id)) === w.name).length,
		);
		const accepted = sandbox.requests.filter(
			(r: RecordedRequest) =>
				r.route === SEND_TEXT &&
				r.status < 300 &&
				String((r.body as { message?: string }).message ?? '').startsWith(`${label} #`),
		);
		const texts = accepted.map((r) => (r.body as { message: string }).message);
		const rejected = sandbox.rejected - rejectedBefore;
		const times = accepted.map((r) => r.at).sort((a, b) => a - b);
		const { limit, windowSeconds } = QUEUE_RATE;
		const span = (times[times.length - 1] - times[0]) / 1000;
		// As in npm run bench: the first window's burst is free, the rest is paced by the cap.
		const rateOfCap = (times.length - limit) / span / (limit / windowSeconds);
		let busiest = 0;
		for (let last = 0, first = 0; last < times.length; last++) {
			while (times[first] <= times[last] - windowSeconds * 1000) first++;
			busiest = Math.max(busiest, last - first + 1);
		}
		const statuses = executions.map((e) => e.status);
		report(
			`(c) ${label} (sendingProcesses ${QUEUE_KEYS[key].sendingProcesses}): ${accepted.length} accepted, ${new Set(texts).size} distinct, ${rejected} answered 429; executions per worker ${perWorker.join(' + ')}; accepted rate ${rateOfCap.toFixed(3)} of the cap (${limit} per ${windowSeconds} s), busiest window ${busiest}/${limit}; ${((times[times.length - 1] - since) / 1000).toFixed(1)} s from the first call to the last send`,
		);
		assert.deepEqual(
			statuses,
			statuses.map(() => 'success'),
			`every execution succeeds: ${statuses.join(', ')}`,
		);
		assert.ok(
			perWorker.every((count) => count > 0),
			`the broadcast ran on both workers (${perWorker.join(' + ')})`,
		);
		assert.equal(new Set(texts).size, total, 'nothing lost');
		assert.equal(accepted.length, total, 'nothing sent twice');
		return { rejected };
	}

	suite.test(
		'(c) 300 sends over two workers with the share set to 2: no 429, nothing lost or duplicated',
		async () => {
			const { rejected } = await broadcast('shared');
			assert.equal(rejected, 0, 'no request over the cap');
		},
	);

	suite.test(
		'(c) the same broadcast without the share: 429s are retried, nothing lost or duplicated',
		async () => {
			const { rejected } = await broadcast('unshared');
			// Two workers each sending the whole allowance must go over the cap: that is what is tested.
			assert.ok(rejected > 0, 'the two workers went over the cap together');
		},
	);

	suite.test(
		'(d) a burst whose executions run on both workers gets exactly one reply (Wait for Burst to End reads CRONCRM, no state in n8n)',
		async () => {
			const instance = SEED.instances.sales;
			const webhookId = randomUUID();
			const workflow = await createWorkflow(
				'one answer per burst',
				burstBotNodes(webhookId, instance, credentialsFor('events'), 2.5),
			);
			await n8n.activate(workflow.id);
			try {
				const slotUrl = await eventually('the trigger to register its URL', async () => {
					const url = slotsOf(instance).message;
					return url?.startsWith(`${stack.webhookOrigin}/webhook/${webhookId}/webhook?`)
						? url
						: undefined;
				});
				await servedUrl(slotUrl);
				const texts = ['oi', 'tudo bem?', 'queria saber', 'o preço', 'do plano anual'];
				// Jobs go to whichever worker asks first: a burst may land on one worker alone. Each
				// burst must get exactly one reply; bursts are played until one ran on both workers.
				let spread = false;
				let executionsSoFar = 0;
				for (let attempt = 1; attempt <= 3 && !spread; attempt++) {
					const chat = `55219900001${String(attempt).padStart(2, '0')}@c.us`;
					const since = Date.now();
					const deliveries = await playBurst(sandbox.origin, {
						instance,
						chat_wid: chat,
						texts,
						gapsMs: 300,
					});
					assert.ok(
						deliveries.every((d) => d.delivered),
						JSON.stringify(deliveries.map((d) => d.status)),
					);
					executionsSoFar += texts.length;
					const done = await eventually(
						`${executionsSoFar} executions finished`,
						async () => {
							const finished = await finishedExecutions(workflow.id);
							return finished.length >= executionsSoFar ? finished : undefined;
						},
						60_000,
					);
					const replies = sandbox.requests.filter(
						(r) => r.at >= since && r.route === SEND_TEXT && r.body.chat_wid === chat,
					);
					assert.equal(
						replies.length,
						1,
						`one reply expected: ${JSON.stringify(replies.map((r) => r.body))}`,
					);
					assert.equal(replies[0].body.message, `Recebemos: ${texts.join('\n')}`);
					const ranBy = workerOf();
					const thisBurst = done
						.filter((e) => String(outputOf(e, 'CRONCRM Trigger')[0]?.chat_wid) === chat)
						.map((e) => ranBy.get(String(e.id)));
					assert.equal(thisBurst.length, texts.length, 'one execution per message');
					spread = new Set(thisBurst).size > 1;
					report(`(d) burst ${attempt}: executions on ${thisBurst.join(', ')}; 1 reply`);
				}
				assert.ok(spread, 'a burst ran on both workers');
			} finally {
				await n8n.deactivate(workflow.id);
			}
		},
	);

	/**
	 * (e) A campaign whose worker dies midway (kill -9 while its next sends wait on CRONCRM). n8n
	 * 2.x does not run a stalled job again (maxStalledCount 0): the execution stays "running", so
	 * the user stops it and presses Retry, which runs it again from the start. Both through the
	 * public API. Then every contact must have exactly one message with the option on.
	 */
	async function campaignCrash(skipIfAlreadySent: boolean) {
		const label = skipIfAlreadySent ? 'crash-skip' : 'crash-plain';
		const text = `Oferta ${label} ${randomUUID().slice(0, 8)}`;
		const saved = { ...sandbox.options.rateLimit };
		const { windowSeconds } = QUEUE_RATE;
		await n8n.upsertCredential(QUEUE_KEYS.campaign.credentialName, 'cronCrmApi', {
			apiKey: QUEUE_KEYS.campaign.apiKey,
			baseUrl: sandbox.url,
			requestsPerWindow: CRASH.limit,
			windowSeconds,
			sendingProcesses: 1,
		});
		sandbox.options.rateLimit = { limit: CRASH.limit, windowMs: windowSeconds * 1000 };
		const workflow = await createWorkflow(`campaign ${label}`, [
			webhookNode(`queue-${label}`, { responseMode: 'onReceived' }),
			{
				id: randomUUID(),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [260, 0],
				parameters: { fieldToSplitOut: 'body.contacts', include: 'noOtherFields', options: {} },
			},
			croncrmNode(
				'Send Offer',
				{
					resource: 'message',
					operation: 'sendText',
					chatId: '={{ $json.phone }}',
					message: text,
					skipIfAlreadySent,
					additionalFields: {},
				},
				credentialsFor('campaign'),
				[520, 0],
			),
		]);
		await n8n.activate(workflow.id);
		const isOffer = (r: RecordedRequest) =>
			r.route === SEND_TEXT && (r.body as { message?: string }).message === text;
		// CRONCRM takes the first sends, then holds the rest unanswered (and unprocessed) until
		// the worker is gone, so that the kill lands midway whatever the machine's speed.
		let offered = 0;
		let killed: (typeof workers)[number] | undefined;
		sandbox.faults = (request) =>
			request.route === SEND_TEXT && ++offered > CRASH.sentBeforeKill
				? { kind: 'timeout', holdMs: 15_000 }
				: undefined;
		try {
			const contacts = Array.from({ length: CRASH.contacts }, (_, i) => ({
				phone: `55219${String(70000000 + i)}`,
			}));
			const before = new Set(workerOf().keys());
			// The first call may meet a webhook processor that has not picked the workflow up yet.
			await postToWebhook(`queue-${label}`, { contacts });
			const accepted = () =>
				sandbox.requests.filter((r) => isOffer(r) && r.status > 0 && r.status < 300);
			const executionId = await eventually(
				`${CRASH.sentBeforeKill} sends, then the next held`,
				async () => {
					const started = [...workerOf().keys()].filter((id) => !before.has(id));
					return accepted().length >= CRASH.sentBeforeKill && offered > CRASH.sentBeforeKill
						? started[0]
						: undefined;
				},
				120_000,
				200,
			);
			const victim = workers.find((w) => w.name === workerOf().get(executionId))!;
			killed = victim;
			await victim.kill();
			sandbox.faults = undefined;
			const sentBeforeKill = accepted().length;

			// The execution is left "running" by the dead worker: stop it, then retry it.
			const stuck = await n8n.execution(executionId);
			let retried: Execution | undefined;
			if (['running', 'new'].includes(stuck.status)) await n8n.stopExecution(executionId);
			const settled = await n8n.execution(executionId);
			if (settled.status !== 'success') retried = await n8n.retryExecution(executionId);
			const finished = retried
				? await eventually(
						'the retried execution to finish',
						async () => {
							const execution = await n8n.execution(retried!.id);
							return ['running', 'new'].includes(execution.status) ? undefined : execution;
						},
						180_000,
						500,
					)
				: settled;
			await n8n.deactivate(workflow.id);

			const perChat = new Map<string, number>();
			for (const r of accepted()) {
				const chat = String((r.body as { chat_wid: string }).chat_wid);
				perChat.set(chat, (perChat.get(chat) ?? 0) + 1);
			}
			const twice = [...perChat.values()].filter((count) => count > 1).length;
			// n8n keeps the stop's "cancelled" error on an execution retried from its start, so the
			// retry may end as error although every node ran: what it did is read from its data.
			const sendRuns = finished.data?.resultData.runData['Send Offer'] ?? [];
			const items = sendRuns.at(-1)?.data?.main[0] ?? [];
			const skipped = items.filter((item) => item.json.skipped === true).length;
			const ending =
				finished.status === 'success'
					? 'success'
					: `${finished.status}: ${finished.data?.resultData.error?.message ?? 'no error message'}`;
			report(
				`(e) ${CRASH.contacts}-contact campaign, Skip If Already Sent ${skipIfAlreadySent ? 'on' : 'off'}: ${victim.name} killed (-9) after ${sentBeforeKill} sends; execution ${executionId} was ${stuck.status}, stopped (${settled.status}), retried as ${retried?.id ?? 'none'} (${ending}); the retry's send node: ${items.length} items, ${skipped} skipped; contacts messaged ${perChat.size}, twice ${twice}`,
			);
			assert.equal(items.length, CRASH.contacts, 'the retry ran the send for every contact');
			assert.equal(skipped, skipIfAlreadySent ? sentBeforeKill : 0, 'skipped items');
			assert.equal(perChat.size, CRASH.contacts, 'every contact got the offer');
			return { twice, sentBeforeKill };
		} finally {
			sandbox.faults = undefined;
			sandbox.options.rateLimit = saved;
			// The next tests need both workers.
			await killed?.restart();
		}
	}

	suite.test(
		'(e) a worker killed midway through a 300-contact campaign, then Retry: with Skip If Already Sent no contact gets two messages',
		async () => {
			const { twice } = await campaignCrash(true);
			assert.equal(twice, 0, 'no contact messaged twice');
		},
	);

	suite.test(
		'(e) the same crash and Retry without the option: every contact messaged before the crash gets the offer twice',
		async () => {
			const { twice, sentBeforeKill } = await campaignCrash(false);
			assert.equal(twice, sentBeforeKill, 'what the option prevents');
		},
	);

	return suite;
}
