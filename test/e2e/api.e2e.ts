/**
 * End-to-end through a real n8n: workflows are created, activated and inspected only through
 * n8n's public API, the CRONCRM nodes run from the packed tarball installed as a community
 * package, and every CRONCRM call lands in the sandbox, which tells what it received.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { SEED } from '../../sandbox/handlers/seed';
import type { RecordedRequest } from '../../sandbox/server';
import type { Execution } from '../../scripts/lib/n8n-client';
import { CREDENTIAL_NAME, type Stack } from '../../scripts/lib/stack';
import { callWebhook, eventually, fireHook, playBurst, servedUrl, sleep, Suite } from './harness';
import { burstBotNodes, chain, croncrmNode, triggerNode, webhookNode } from './workflows';

export function apiSuite(stack: Stack): Suite {
	const suite = new Suite('End-to-end: n8n public API + CRONCRM sandbox');
	const { n8n, sandbox } = stack;
	const webhookBase = stack.n8nUrl.replace('localhost', '127.0.0.1');
	const credentials = { cronCrmApi: { id: stack.credentialId, name: CREDENTIAL_NAME } };
	const created: string[] = [];

	async function control<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${sandbox.origin}/__sandbox${path}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const json = (await response.json()) as T;
		assert.ok(response.ok, `sandbox ${path} -> ${response.status}: ${JSON.stringify(json)}`);
		return json;
	}

	const requestsSince = async (since: number, route?: string) =>
		(await control<RecordedRequest[]>('/requests')).filter(
			(r) => r.at >= since && (route === undefined || r.route === route),
		);

	const crmNode = (name: string, parameters: Record<string, unknown>) =>
		croncrmNode(name, parameters, credentials);

	async function createWorkflow(name: string, nodes: Array<Record<string, unknown>>) {
		const workflow = await n8n.createWorkflow(chain(`[e2e] ${name}`, nodes));
		created.push(workflow.id);
		return workflow;
	}

	const postToWebhook = async (path: string, body: unknown) =>
		await callWebhook(webhookBase, path, body);

	const finishedExecutions = async (workflowId: string) =>
		(await n8n.executions(workflowId)).filter((e) => e.status !== 'running' && e.status !== 'new');

	function outputOf(execution: Execution, node: string) {
		const runs = execution.data?.resultData.runData[node] ?? [];
		return runs.flatMap((run) => run.data?.main[0] ?? []).map((item) => item.json);
	}

	type Slots = Record<string, string>;
	interface SandboxState {
		instances: Array<{ access_token: string; webhooks: Slots }>;
		hookDeliveries: Array<{ hook: string; url: string; status: number; body: any; at: number }>;
	}
	const slotsOf = async (instance: string): Promise<Slots> =>
		(await control<SandboxState>('/state')).instances.find((i) => i.access_token === instance)!
			.webhooks;
	const deliveriesSince = async (since: number) =>
		(await control<SandboxState>('/state')).hookDeliveries.filter((d) => d.at >= since);

	const productionUrl = (webhookId: string) => `${webhookBase}/webhook/${webhookId}/webhook`;

	/** Waits until the slots are exactly `expected` (after a deactivation: as they were). */
	async function slotsBecome(instance: string, expected: Slots, what: string) {
		const slots = await eventually(what, async () => {
			const now = await slotsOf(instance);
			return JSON.stringify(now) === JSON.stringify(expected) ? now : undefined;
		}).catch(async () => await slotsOf(instance));
		assert.deepEqual(slots, expected, what);
	}

	/** Waits until the trigger's URL is in the slot (2.x registers after the API answered). */
	async function registered(instance: string, slot: string, webhookId: string) {
		return await eventually(`the trigger's URL in ${slot}`, async () => {
			const slots = await slotsOf(instance);
			return slots[slot].startsWith(`${productionUrl(webhookId)}?`) ? slots : undefined;
		});
	}

	/** A new workflow with one CRONCRM Trigger on the Sales instance, and the slots before it. */
	async function triggerWorkflow(name: string, events: string[]) {
		const instance = SEED.instances.sales;
		const before = await slotsOf(instance);
		const webhookId = randomUUID();
		const node = triggerNode(webhookId, instance, events, credentials);
		const workflow = await createWorkflow(name, [node]);
		return { instance, before, webhookId, node, workflow };
	}

	// A failed test must not leave a trigger holding a slot, or an example active, for the next.
	suite.afterFailure(async () => {
		for (const id of [...created, ...stack.workflows.map((w) => w.id)]) {
			await n8n.deactivate(id).catch(() => undefined);
		}
		await control('/seed', {});
	});

	suite.test('the four example workflows are imported', async () => {
		const names = (await n8n.listWorkflows()).map((w) => w.name);
		for (const expected of [
			'CRONCRM: auto-reply to a received message',
			'CRONCRM: lead capture',
			'CRONCRM: broadcast to a contact list',
			'CRONCRM: chatbot that answers each burst once',
		]) {
			assert.ok(
				names.includes(expected),
				`missing example workflow "${expected}" in ${names.join(', ')}`,
			);
		}
		assert.equal(stack.workflows.length, 4);
	});

	suite.test('(a) a webhook workflow sends a text with the CRONCRM node', async () => {
		const since = Date.now();
		const workflow = await createWorkflow('send text', [
			webhookNode('e2e-send-text'),
			crmNode('Send Text', {
				resource: 'message',
				operation: 'sendText',
				chatId: '={{ $json.body.phone }}',
				message: '={{ $json.body.text }}',
				additionalFields: {},
			}),
		]);
		await n8n.activate(workflow.id);

		const reply = await postToWebhook('e2e-send-text', {
			phone: '+55 (21) 99000-0001',
			text: 'Olá from n8n 👋',
		});
		assert.equal(reply.status, 200, JSON.stringify(reply.body));
		assert.equal((reply.body as { success?: boolean }).success, true, JSON.stringify(reply.body));

		const sent = await requestsSince(since, 'POST /messages/send-message-text');
		assert.equal(sent.length, 1, `expected one send, sandbox got ${JSON.stringify(sent)}`);
		assert.deepEqual(sent[0].body, { chat_wid: '5521990000001@c.us', message: 'Olá from n8n 👋' });
		assert.equal(sent[0].status, 201);
		assert.equal(sent[0].headers.apikey, undefined, 'the sandbox never logs the key');
		assert.equal(sent[0].headers.totransmit, undefined, 'Deliver Immediately is off by default');

		const [execution] = await eventually('the execution', async () => {
			const done = await finishedExecutions(workflow.id);
			return done.length ? done : undefined;
		});
		assert.equal(execution.status, 'success');
		assert.equal(outputOf(execution, 'Send Text')[0].success, true);
		await n8n.deactivate(workflow.id);
	});

	suite.test(
		'(b) activating a CRONCRM Trigger registers its URL; one execution per subscribed event; deactivating restores the slot',
		async () => {
			const since = Date.now();
			const { instance, before, webhookId, workflow } = await triggerWorkflow('trigger', [
				'onReceived',
			]);
			await n8n.activate(workflow.id);

			const expectedUrl = productionUrl(webhookId);
			const registered = await eventually('the trigger to register its URL', async () => {
				const slots = await slotsOf(instance);
				return slots.message.startsWith(expectedUrl) ? slots : undefined;
			}).catch(async () => await slotsOf(instance));
			assert.ok(
				registered.message.startsWith(expectedUrl),
				`message slot should hold ${expectedUrl}, holds "${registered.message}"; the sandbox got ${JSON.stringify(
					(await requestsSince(since)).map((r) => [r.route, r.query, r.body, r.status]),
				)}`,
			);
			for (const slot of Object.keys(before).filter((s) => s !== 'message')) {
				assert.equal(
					registered[slot],
					before[slot],
					`slot ${slot} is not needed and must not change`,
				);
			}

			const received = await control<{ delivered: boolean; status: number }>('/hooks/fire', {
				instance,
				hook: 'onReceived',
				payload: {
					chat: { chat_wid: '5521990000002@c.us' },
					message: { message_body: 'Vocês abrem no sábado?', message_type: 'chat' },
				},
			});
			assert.equal(
				received.delivered,
				true,
				`onReceived not delivered: ${JSON.stringify(received)}`,
			);
			// CRONCRM gets a small JSON acknowledgement, not n8n's default response data.
			assert.deepEqual((received as { response?: unknown }).response, {
				success: true,
				started: true,
			});
			const ack = await control<{ status: number }>('/hooks/fire', {
				instance,
				hook: 'onAck',
				payload: { chat: { chat_wid: '5521990000002@c.us' } },
			});
			assert.ok(ack.status >= 200 && ack.status < 300, `onAck answered ${ack.status}`);

			const executions = await eventually('the trigger execution', async () => {
				const done = await finishedExecutions(workflow.id);
				return done.length ? done : undefined;
			});
			await sleep(3000); // an execution for the onAck would have shown by now
			const all = await finishedExecutions(workflow.id);
			assert.equal(
				all.length,
				1,
				`exactly one execution expected, got ${all.length}: ${all.map((e) => e.id).join(', ')}`,
			);
			assert.equal(executions[0].status, 'success');
			const [event] = outputOf(all[0], 'CRONCRM Trigger');
			assert.equal(event.event, 'onReceived');
			assert.equal(event.chat_wid, '5521990000002@c.us');
			assert.equal(event.text, 'Vocês abrem no sábado?');
			assert.equal(event.message_type, 'chat');
			assert.equal(typeof event.message_access_token, 'string');
			assert.ok(!Number.isNaN(Date.parse(String(event.timestamp))), 'timestamp is an ISO date');

			await n8n.deactivate(workflow.id);
			await slotsBecome(instance, before, 'deactivation puts every slot back as it was');
		},
	);

	suite.test(
		'(d) 10 cycles of activate, an event the moment the slot holds the URL, deactivate: every event accepted and run once, slots restored',
		async () => {
			const { instance, before, webhookId, workflow } = await triggerWorkflow('trigger cycles', [
				'onReceived',
			]);
			const cycles = 10;
			for (let cycle = 1; cycle <= cycles; cycle++) {
				const since = Date.now();
				const text = `cycle ${cycle}`;
				// The sandbox fires from inside the instances/change that writes the URL.
				await control('/hooks/fire-when-registered', {
					instance,
					hook: 'onReceived',
					urlPrefix: `${productionUrl(webhookId)}?`,
					payload: { chat: { chat_wid: '5521990000011@c.us' }, message: { message_body: text } },
				});
				await n8n.activate(workflow.id);
				const delivery = await eventually(`the event of ${text}`, async () =>
					(await deliveriesSince(since)).find((d) => d.body?.message?.message_body === text),
				);
				assert.equal(
					delivery.status,
					200,
					`${text}: CRONCRM's post was answered ${delivery.status}`,
				);
				await eventually(`the execution of ${text}`, async () => {
					const done = await finishedExecutions(workflow.id);
					return done.length >= cycle ? done : undefined;
				});
				await n8n.deactivate(workflow.id);
				await slotsBecome(instance, before, `${text}: deactivation restores every slot`);
			}
			await sleep(2000); // a duplicate execution would have shown by now
			const executions = await finishedExecutions(workflow.id);
			const texts = executions.map((e) => String(outputOf(e, 'CRONCRM Trigger')[0]?.text)).sort();
			assert.deepEqual(
				texts,
				Array.from({ length: cycles }, (_, i) => `cycle ${i + 1}`).sort(),
				'exactly one execution per event',
			);
			assert.ok(executions.every((e) => e.status === 'success'));
		},
	);

	suite.test(
		'(e) an active trigger edited through the API and published again keeps receiving, and restores on deactivation',
		async () => {
			const { instance, before, webhookId, node, workflow } = await triggerWorkflow(
				'trigger edited',
				['onReceived'],
			);
			await n8n.activate(workflow.id);
			await registered(instance, 'message', webhookId);

			// The edit adds an event with its own slot; n8n re-registers the trigger.
			const since = Date.now();
			const edited = {
				...node,
				parameters: {
					...(node.parameters as Record<string, unknown>),
					events: ['onReceived', 'IncomingCall'],
				},
			};
			await n8n.updateWorkflow(workflow.id, {
				name: '[e2e] trigger edited',
				nodes: [edited],
				connections: {},
			});
			await n8n.activate(workflow.id);
			const slots = await registered(instance, 'incomingCall', webhookId);
			assert.ok(slots.message.startsWith(`${productionUrl(webhookId)}?`), 'message slot kept');

			for (const hook of ['onReceived', 'IncomingCall']) {
				const fired = await fireHook(sandbox.origin, { instance, hook });
				assert.equal(fired.status, 200, `${hook} after the edit: answered ${fired.status}`);
			}
			const executions = await eventually('two executions after the edit', async () => {
				const done = (await finishedExecutions(workflow.id)).filter(
					(e) => Date.parse(String(e.startedAt)) >= since - 1000,
				);
				return done.length >= 2 ? done : undefined;
			});
			const events = executions.map((e) => String(outputOf(e, 'CRONCRM Trigger')[0]?.event)).sort();
			assert.deepEqual(events, ['IncomingCall', 'onReceived']);
			const call = executions
				.map((e) => outputOf(e, 'CRONCRM Trigger')[0])
				.find((item) => item?.event === 'IncomingCall');
			assert.match(String(call?.incoming_call_id), /^CALL/, 'the call id for Reject Incoming Call');
			const refused = (await deliveriesSince(since)).filter((d) => d.status === 401);
			assert.equal(refused.length, 0, 'no event refused around the re-registration');

			await n8n.deactivate(workflow.id);
			await slotsBecome(instance, before, 'deactivation restores every slot');
		},
	);

	suite.test(
		'(f) n8n and the sandbox restarted (as Ctrl-C and npm run dev again) while a trigger is active: events are still accepted and start once',
		async () => {
			const { instance, before, webhookId, workflow } = await triggerWorkflow(
				'trigger across a restart',
				['onReceived'],
			);
			await n8n.activate(workflow.id);
			await registered(instance, 'message', webhookId);

			await stack.restart();
			const since = Date.now();
			// Right after start n8n may answer 404 until it has loaded its active workflows.
			const fired = await eventually(
				'the event accepted after the restart',
				async () => {
					const result = await fireHook(sandbox.origin, {
						instance,
						hook: 'onReceived',
						payload: { message: { message_body: 'after the restart' } },
					});
					return result.status === 404 ? undefined : result;
				},
				60_000,
			);
			assert.equal(fired.status, 200, `answered ${fired.status}`);
			const [execution] = await eventually('the execution', async () => {
				const done = await finishedExecutions(workflow.id);
				return done.length ? done : undefined;
			});
			await sleep(2000);
			assert.equal((await finishedExecutions(workflow.id)).length, 1, 'started once');
			assert.equal(outputOf(execution, 'CRONCRM Trigger')[0].text, 'after the restart');
			const refused = (await deliveriesSince(since)).filter((d) => d.status === 401);
			assert.equal(refused.length, 0, 'no event refused after the restart');

			await n8n.deactivate(workflow.id);
			await slotsBecome(instance, before, 'deactivation restores every slot');
		},
	);

	suite.test('(c) Return All reads every page of a list', async () => {
		await control('/seed', { extraTags: 40 }); // 45 tags: pages of 20, 20 and 5
		try {
			const since = Date.now();
			const workflow = await createWorkflow('return all', [
				webhookNode('e2e-all-tags', { responseData: 'allEntries' }),
				crmNode('Get Many Tags', {
					resource: 'tag',
					operation: 'getMany',
					returnAll: true,
					filters: {},
				}),
			]);
			await n8n.activate(workflow.id);
			const reply = await postToWebhook('e2e-all-tags', {});
			assert.equal(reply.status, 200, JSON.stringify(reply.body));
			const tags = reply.body as Array<{ name: string; access_token: string }>;
			assert.equal(tags.length, 45, 'one output item per tag, all pages');
			assert.equal(new Set(tags.map((t) => t.access_token)).size, 45, 'no tag twice');
			assert.equal(tags[0].name, 'Hot lead');
			assert.equal(tags[44].name, 'Campaign 40');
			const pages = (await requestsSince(since, 'GET /tags/find')).map((r) => r.query.page);
			assert.deepEqual(pages, ['1', '2', '3']);
			await n8n.deactivate(workflow.id);
		} finally {
			await control('/seed', {});
		}
	});

	suite.test(
		'the lead capture example runs: lead, tag, welcome message, in that order; the same form three times gives one lead and one welcome',
		async () => {
			const example = stack.workflows.find((w) => w.file === 'lead-capture.json');
			assert.ok(example, 'lead capture example imported');
			const since = Date.now();
			await n8n.activate(example.id);
			const form = { name: 'Maria Silva', phone: '+55 21 99000-0042', email: 'maria@example.com' };
			const chat = '5521990000042@c.us';
			try {
				const reply = await postToWebhook('croncrm-lead-capture', form);
				assert.equal(reply.status, 200);
				const calls = await eventually('five CRONCRM calls', async () => {
					const seen = (await requestsSince(since)).filter((r) => r.status < 400);
					return seen.length >= 5 ? seen : undefined;
				});
				assert.deepEqual(
					calls.map((r) => r.route),
					[
						// Create or Update looks for a lead with the phone first; Skip If Already Sent
						// reads what the chat was sent before welcoming.
						'GET /leads/find',
						'POST /leads/create',
						'PUT /tags/add-remove-in-chat',
						'GET /messages/find',
						'POST /messages/send-message-text',
					],
				);
				assert.equal(calls[1].body.full_name, 'Maria Silva');
				assert.deepEqual(calls[2].body, {
					access_token: SEED.tags.hotLead,
					chat_wid: chat,
					action: 'add',
				});
				assert.equal(calls[4].body.chat_wid, chat);
				// In Portuguese, the contact's language, with the first name the form sent.
				assert.match(String(calls[4].body.message), /^Olá, Maria! Que bom ter você por aqui\./);

				// The visitor sends the form twice more (a double click, a page reload); each run is
				// waited for to its end, so a second welcome would be seen.
				const runsSince = async () =>
					(await finishedExecutions(example.id)).filter(
						(e) => e.startedAt !== undefined && Date.parse(e.startedAt) >= since - 1000,
					);
				await eventually('form 1 handled', async () =>
					(await runsSince()).length >= 1 ? true : undefined,
				);
				for (const again of [2, 3]) {
					assert.equal((await postToWebhook('croncrm-lead-capture', form)).status, 200);
					await eventually(`form ${again} handled`, async () =>
						(await runsSince()).length >= again ? true : undefined,
					);
				}
				assert.deepEqual(
					(await runsSince()).map((e) => e.status),
					['success', 'success', 'success'],
				);
				const state = await control<{
					leads: Array<{ phone: string }>;
					messages: Array<Record<string, unknown>>;
				}>('/state');
				const leads = state.leads.filter((lead) => lead.phone === '5521990000042');
				assert.equal(leads.length, 1, 'one lead for the three forms');
				const welcomes = state.messages.filter(
					(m) =>
						m.chat_wid === chat && m.source === 'in' && /^Olá, Maria!/.test(String(m.message_body)),
				);
				assert.equal(welcomes.length, 1, 'one welcome message for the three forms');
				const updates = (await requestsSince(since)).filter((r) => r.route === 'PUT /leads/change');
				assert.equal(updates.length, 2, 'the second and third forms updated the lead');
			} finally {
				await n8n.deactivate(example.id);
			}
		},
	);

	suite.test('the auto-reply example answers a received message', async () => {
		const example = stack.workflows.find((w) => w.file === 'auto-reply.json');
		assert.ok(example, 'auto-reply example imported');
		const since = Date.now();
		await n8n.activate(example.id);
		try {
			await eventually('the trigger to register and receive', async () => {
				const fired = await fireHook(sandbox.origin, {
					instance: SEED.instances.sales,
					hook: 'onReceived',
					payload: {
						chat: { chat_wid: '5521990000007@c.us' },
						message: { message_body: 'Bom dia!' },
					},
				});
				return fired.delivered ? true : undefined;
			});
			const [reply] = await eventually('the auto-reply', async () => {
				const sends = await requestsSince(since, 'POST /messages/send-message-text');
				return sends.length ? sends : undefined;
			});
			assert.equal(reply.body.chat_wid, '5521990000007@c.us');
			// In Portuguese, and without quoting the customer's own text back.
			assert.match(String(reply.body.message), /^Olá! Recebemos sua mensagem/);
			assert.ok(!String(reply.body.message).includes('Bom dia!'), 'the reply quotes the customer');
		} finally {
			await n8n.deactivate(example.id);
		}
	});

	suite.test(
		'(g) a chatbot answers each burst once: three messages within 2 s get one reply with all three, a fourth after it a reply of its own, a chat a person handles none',
		async () => {
			const instance = SEED.instances.sales;
			const webhookId = randomUUID();
			const workflow = await createWorkflow(
				'one answer per burst',
				burstBotNodes(webhookId, instance, credentials, 2.5),
			);
			await n8n.activate(workflow.id);
			try {
				const slots = await registered(instance, 'message', webhookId);
				await servedUrl(slots.message);
				const chat = '5521990000031@c.us';
				const repliesTo = async (chatWid: string, since: number) =>
					(await requestsSince(since, 'POST /messages/send-message-text')).filter(
						(r) => r.body.chat_wid === chatWid,
					);
				const executionsDone = (count: number) =>
					eventually(`${count} executions finished`, async () => {
						const done = await finishedExecutions(workflow.id);
						return done.length >= count ? done : undefined;
					});

				const since = Date.now();
				const texts = ['oi', 'quero saber o preço', 'do plano anual'];
				const burst = await playBurst(sandbox.origin, {
					instance,
					chat_wid: chat,
					texts,
					gapsMs: 600,
				});
				assert.deepEqual(
					burst.map((d) => d.response),
					texts.map(() => ({ success: true, started: true })),
				);
				// Each execution ends after its own read; once all three have, every reply is sent.
				const first = await executionsDone(3);
				assert.ok(
					first.every((e) => e.status === 'success'),
					JSON.stringify(first.map((e) => e.status)),
				);
				const replies = await repliesTo(chat, since);
				assert.equal(
					replies.length,
					1,
					`one reply expected: ${JSON.stringify(replies.map((r) => r.body))}`,
				);
				assert.equal(replies[0].body.message, `Recebemos: ${texts.join('\n')}`);
				// What a burst costs: one messages/find per received message (each execution reads once).
				const reads = await requestsSince(since, 'GET /messages/find');
				assert.equal(reads.length, texts.length, 'one read per message of the burst');
				const lastDelivered = Math.max(
					...(await deliveriesSince(since)).filter((d) => d.hook === 'onReceived').map((d) => d.at),
				);
				console.log(
					`    (g) ${texts.length} messages: ${reads.length} reads, 1 reply ${((replies[0].at - lastDelivered) / 1000).toFixed(2)} s after the last message (quiet period 2.5 s)`,
				);

				const afterReply = Date.now();
				await playBurst(sandbox.origin, {
					instance,
					chat_wid: chat,
					texts: ['e tem desconto?'],
					gapsMs: 0,
				});
				await executionsDone(4);
				const second = await repliesTo(chat, afterReply);
				assert.equal(
					second.length,
					1,
					`a second reply expected: ${JSON.stringify(second.map((r) => r.body))}`,
				);
				assert.equal(second[0].body.message, 'Recebemos: e tem desconto?');

				// A chat a person is handling (status 1, here known by its @lid): the trigger starts nothing.
				const handled = await playBurst(sandbox.origin, {
					instance,
					chat_wid: SEED.lidChats.withAPerson,
					texts: ['alguém aí?'],
					gapsMs: 0,
				});
				assert.deepEqual(handled[0].response, {
					success: true,
					started: false,
					reason: 'chat handled by a person (customer_service_status_id 1)',
				});
				assert.equal((await repliesTo(SEED.lidChats.withAPerson, since)).length, 0);
				assert.equal((await finishedExecutions(workflow.id)).length, 4);
			} finally {
				await n8n.deactivate(workflow.id);
			}
		},
	);

	suite.test('clean up the test workflows', async () => {
		for (const id of created) {
			await n8n.deactivate(id).catch(() => undefined); // left active by a failed test
			// Unpublishing finishes in the background; n8n answers 409 until it has.
			await eventually(`workflow ${id} deleted`, async () => {
				await n8n.deleteWorkflow(id);
				return true;
			});
		}
	});

	return suite;
}
