/**
 * The fault suite: the sandbox injects faults on a seeded schedule (429 bursts from "another
 * client using the key", 500/502/503, timeouts, connection resets, HTML error pages, invalid
 * JSON; before or after it processed the request) while workflows of M items run through n8n's
 * engine. Whatever the schedule, these invariants hold:
 * - every input item ends as exactly one output item or one error item, in input order;
 * - no mutation is processed twice (the sandbox logs each one in state.mutations);
 * - no item reports success for a request that failed;
 * - GETs are retried; mutations only after a 429 (the server provably did not process them).
 * Counts are asserted, never timings.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { RETRY_POLICY } from '../../nodes/CronCrm/transport';
import { runCronCrm, type RunResult } from '../helpers/engine';
import {
	itemError,
	mutationName,
	requestsFor,
	seededSchedule,
	timesProcessed,
} from '../helpers/faults';
import { useSandbox } from '../helpers/sandbox';
import type { Fault } from '../../sandbox/server';

const sandbox = useSandbox();

const ITEMS = 40;
const EXECUTIONS = 2;
const KINDS = ['500', '502', '503', 'timeout', 'reset', 'html', 'invalidJson'] as const;
const schedule = (seed: number) =>
	seededSchedule({
		seed,
		faultRate: 0.25,
		kinds: [...KINDS],
		afterShare: 0.5,
		burstRate: 0.04,
		burstLength: [3, 8],
		// Longer than the node's timeout below, so a held reply becomes a client timeout.
		holdMs: 3_500,
	});
const credentials = { requestsPerWindow: 1000, windowSeconds: 0.2 };
// Long enough that an unfaulted reply never times out, even with the machine's two cores busy
// with other jobs (that would be a fault the schedule did not plan: 500 ms was seen to miss).
const requestOptions = { timeout: 3_000 };

// The same policy with shorter pauses between GET retries keeps the suite fast.
const defaultBackoff = RETRY_POLICY.backoffMs;
beforeAll(() => (RETRY_POLICY.backoffMs = 20));
afterAll(() => (RETRY_POLICY.backoffMs = defaultBackoff));

/** Every fault the sandbox injected across the suite, to show the schedules covered them all. */
const injected = new Set<string>();
function noteInjected(planned: Fault[], requests: number) {
	for (const fault of planned.slice(0, requests)) {
		if (fault) injected.add(fault.kind === '429' ? '429' : `${fault.kind} ${fault.when}`);
	}
}

const nameOf = (seed: number, execution: number, i: number) =>
	`S${seed}-E${execution}-${String(i).padStart(3, '0')}`;

async function runConcurrently(
	seed: number,
	parameters: IDataObject,
	perExecution: number,
	options: IDataObject = requestOptions,
): Promise<RunResult[]> {
	return await Promise.all(
		Array.from(
			{ length: EXECUTIONS },
			async (_, execution) =>
				await runCronCrm(sandbox.current, {
					parameters: { ...parameters, requestOptions: options },
					items: Array.from({ length: perExecution }, (__, i) => ({
						name: nameOf(seed, execution, i),
					})),
					credentials,
					continueOnFail: true,
				}),
		),
	);
}

/** Every input item is exactly one output item, in input order (a success or an error item). */
function expectOneOutputPerItem(result: RunResult, perExecution: number) {
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(perExecution);
	expect(result.items.map((item) => item.pairedItem)).toEqual(
		Array.from({ length: perExecution }, (_, item) => ({ item })),
	);
}

const succeeded = (item: INodeExecutionData) => itemError(item) === undefined;

describe.each([11, 23, 37, 41, 59])('Fault schedule, seed %i', (seed) => {
	it(`Create (POST) x ${ITEMS} in ${EXECUTIONS} executions: no item lost, none duplicated, no false success`, async () => {
		const plan = schedule(seed);
		sandbox.current.faults = plan;
		const perExecution = ITEMS / EXECUTIONS;
		const results = await runConcurrently(
			seed,
			{ resource: 'tag', operation: 'create', name: '={{ $json.name }}' },
			perExecution,
		);
		noteInjected(plan.planned, sandbox.current.requests.length);

		results.forEach((result, execution) => {
			expectOneOutputPerItem(result, perExecution);
			result.items.forEach((item, i) => {
				const name = nameOf(seed, execution, i);
				const processed = timesProcessed(sandbox.current, name);
				const requests = requestsFor(sandbox.current, name);
				// Never processed twice.
				expect(processed).toBeLessThanOrEqual(1);
				// A mutation is re-sent only after a 429: every attempt but the last was one.
				expect(requests.slice(0, -1).every((r) => r.status === 429)).toBe(true);
				expect(requests.length).toBeLessThanOrEqual(RETRY_POLICY.rateLimitRetries + 1);
				if (succeeded(item)) {
					// A success is the sandbox's own reply for this very tag.
					const tag = sandbox.current.state.tags.find((t) => t.name === name);
					expect(processed).toBe(1);
					expect(item.json.tag).toMatchObject({ name, access_token: tag?.access_token });
					expect(requests[requests.length - 1].status).toBe(201);
				} else if (processed === 1) {
					// Done by CRONCRM but the reply was lost: the user is told it may have happened.
					expect(itemError(item)).toMatch(/Not retried|may have processed/);
				}
			});
		});
		expect(sandbox.current.state.mutations).toHaveLength(
			new Set(sandbox.current.state.mutations.map(mutationName)).size,
		);
	});

	it(`Get Many (GET) x ${ITEMS} in ${EXECUTIONS} executions: retried, one output per item, no false success`, async () => {
		// The tags to find, made without faults.
		await runConcurrently(
			seed,
			{ resource: 'tag', operation: 'create', name: '={{ $json.name }}' },
			ITEMS / EXECUTIONS,
			{},
		);
		expect(sandbox.current.state.tags).toHaveLength(ITEMS);
		sandbox.current.requests.length = 0;
		const plan = schedule(seed * 7);
		sandbox.current.faults = plan;

		const perExecution = ITEMS / EXECUTIONS;
		const results = await runConcurrently(
			seed,
			{
				resource: 'tag',
				operation: 'getMany',
				returnAll: false,
				limit: 1,
				filters: { name: '={{ $json.name }}' },
			},
			perExecution,
		);
		noteInjected(plan.planned, sandbox.current.requests.length);

		let retriedAfterFailure = 0;
		results.forEach((result, execution) => {
			expectOneOutputPerItem(result, perExecution);
			result.items.forEach((item, i) => {
				const name = nameOf(seed, execution, i);
				const requests = requestsFor(sandbox.current, name);
				const rateLimited = requests.filter((r) => r.status === 429).length;
				const otherFailures = requests.length - rateLimited - (succeeded(item) ? 1 : 0);
				if (otherFailures > 0 && succeeded(item)) retriedAfterFailure++;
				if (succeeded(item)) {
					expect(item.json).toMatchObject({ name });
					expect(otherFailures).toBeLessThanOrEqual(RETRY_POLICY.transientRetries);
				} else {
					// A GET gives up only when one of its retry budgets is spent.
					expect([
						otherFailures === RETRY_POLICY.transientRetries + 1,
						rateLimited === RETRY_POLICY.rateLimitRetries + 1,
					]).toContain(true);
				}
			});
		});
		expect(retriedAfterFailure).toBeGreaterThan(0);
		// Reads change nothing.
		expect(sandbox.current.state.mutations).toHaveLength(ITEMS);
	});
});

// A property of the whole file, checked last (jest runs a file's tests in order): filtering
// the seeds away with -t leaves nothing injected, and this test then fails on purpose.
it('the schedules injected every kind of fault, before and after processing', () => {
	const expected = ['429', ...KINDS.flatMap((kind) => [`${kind} before`, `${kind} after`])].sort();
	expect([...injected].sort()).toEqual(expected);
});
