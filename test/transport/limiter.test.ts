/**
 * The per-account limiter: several executions at once stay under CRONCRM's sliding window as the
 * server counts it, and the limiter itself serves callers in order and honours pauses.
 */
import { sleep } from 'n8n-workflow';

import {
	getLimiter,
	shareOfAllowance,
	SlidingWindowLimiter,
} from '../../nodes/CronCrm/transport/rateLimiter';
import { runCronCrm } from '../helpers/engine';
import { mutationName } from '../helpers/faults';
import { useSandbox } from '../helpers/sandbox';
import type { Sandbox } from '../../sandbox/server';

const LIMIT = 20;
const WINDOW_MS = 1000;
const sandbox = useSandbox({
	rateLimit: { limit: LIMIT, windowMs: WINDOW_MS },
	// A key per test: each gets a fresh limiter in the package and a fresh window in the sandbox.
	apiKeys: ['key-limited', 'key-unlimited', 'key-shared', 'key-shared-control'],
});

/** The most requests the sandbox accepted within any window of `windowMs`. */
function busiestWindow(requests: Sandbox['requests'], windowMs: number): number {
	const times = requests
		.filter((r) => r.status !== 429)
		.map((r) => r.at)
		.sort((a, b) => a - b);
	let most = 0;
	for (let last = 0, first = 0; last < times.length; last++) {
		while (times[first] <= times[last] - windowMs) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

async function threeExecutions(apiKey: string, requestsPerWindow: number, sendingProcesses = 1) {
	return await Promise.all(
		[0, 1, 2].map(
			async (execution) =>
				await runCronCrm(sandbox.current, {
					parameters: { resource: 'tag', operation: 'create', name: '={{ $json.name }}' },
					items: Array.from({ length: LIMIT }, (_, i) => ({ name: `E${execution}-${i}` })),
					credentials: {
						apiKey,
						requestsPerWindow,
						windowSeconds: WINDOW_MS / 1000,
						sendingProcesses,
					},
					continueOnFail: true,
				}),
		),
	);
}

describe('Limiter across concurrent executions', () => {
	it(`3 executions x ${LIMIT} items at ${LIMIT} per ${WINDOW_MS} ms: never over the limit, 0 rejected`, async () => {
		const results = await threeExecutions('key-limited', LIMIT);
		expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
		expect(sandbox.current.rejected).toBe(0);
		expect(sandbox.current.requests).toHaveLength(3 * LIMIT);
		expect(busiestWindow(sandbox.current.requests, WINDOW_MS)).toBeLessThanOrEqual(LIMIT);
		// Each item created once, and output in its execution's input order.
		expect(sandbox.current.state.mutations).toHaveLength(3 * LIMIT);
		results.forEach((result, execution) => {
			expect(result.items.map((item) => (item.json.tag as { name: string }).name)).toEqual(
				Array.from({ length: LIMIT }, (_, i) => `E${execution}-${i}`),
			);
		});
	});

	it('the same load with the allowance set too high is rejected by the sandbox (control)', async () => {
		await threeExecutions('key-unlimited', 1000);
		expect(sandbox.current.rejected).toBeGreaterThan(0);
		// The transport waited the 429s out: still every item created exactly once.
		expect(sandbox.current.state.mutations).toHaveLength(3 * LIMIT);
		expect(new Set(sandbox.current.state.mutations.map(mutationName)).size).toBe(3 * LIMIT);
	});
});

describe('The share of several n8n processes sending with one key', () => {
	// This jest process stands for one of two n8n workers: the account allows 2 x LIMIT, the
	// sandbox lets this process through only LIMIT (the other worker's half is spoken for).
	it(`allowance ${2 * LIMIT} shared by 2 processes: this one keeps to ${LIMIT}, 0 rejected`, async () => {
		const results = await threeExecutions('key-shared', 2 * LIMIT, 2);
		expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
		expect(sandbox.current.rejected).toBe(0);
		expect(busiestWindow(sandbox.current.requests, WINDOW_MS)).toBeLessThanOrEqual(LIMIT);
		expect(new Set(sandbox.current.state.mutations.map(mutationName)).size).toBe(3 * LIMIT);
	});

	it("the same allowance without the share goes over this process's half (control)", async () => {
		const results = await threeExecutions('key-shared-control', 2 * LIMIT, 1);
		expect(sandbox.current.rejected).toBeGreaterThan(0);
		// 429s are waited out and re-sent: every item is still created exactly once.
		expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
		expect(sandbox.current.state.mutations).toHaveLength(3 * LIMIT);
		expect(new Set(sandbox.current.state.mutations.map(mutationName)).size).toBe(3 * LIMIT);
	});

	it.each([
		[50, 1, 50],
		[50, 2, 25],
		[50, 3, 16],
		[50, 0, 50],
		[2, 5, 1],
	])('allowance %i over %i processes: %i each', (allowance, processes, share) => {
		expect(shareOfAllowance(allowance, processes)).toBe(share);
	});
});

describe('SlidingWindowLimiter', () => {
	it('serves callers in arrival order (FIFO)', async () => {
		const limiter = new SlidingWindowLimiter(2, 60);
		const order: number[] = [];
		await Promise.all(
			Array.from({ length: 7 }, async (_, caller) => {
				const release = await limiter.acquire();
				order.push(caller);
				release();
			}),
		);
		expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
	});

	it('does not wait forever when the clock ticks while it decides (regression)', async () => {
		// Two slots end at t0. The third caller looks just before they leave the window (t0+3.9)
		// and every later reading of the clock is past it (t0+10): deciding "full, nothing frees
		// up" from two different clock readings used to leave it waiting for a release forever.
		const t0 = 1_000_000;
		const readings = [t0, t0, t0, t0, t0 + 3.9];
		const clock = jest.spyOn(Date, 'now').mockImplementation(() => readings.shift() ?? t0 + 10);
		try {
			const limiter = new SlidingWindowLimiter(2, 4);
			const releases = await Promise.all([limiter.acquire(), limiter.acquire()]);
			releases.forEach((release) => release());
			const third = limiter.acquire().then(() => 'served');
			const stuck = new Promise((resolve) => setTimeout(() => resolve('stuck'), 1000));
			expect(await Promise.race([third, stuck])).toBe('served');
		} finally {
			clock.mockRestore();
		}
	});

	it('reuses a slot only a full window after its request ended', async () => {
		const limit = 3;
		const windowMs = 60;
		const limiter = new SlidingWindowLimiter(limit, windowMs);
		const acquiredAt: number[] = [];
		const endedAt: number[] = [];
		await Promise.all(
			Array.from({ length: 10 }, async (_, i) => {
				const release = await limiter.acquire();
				acquiredAt[i] = Date.now();
				// Requests of varying length, as real ones are.
				await sleep(5 + (i % 3) * 10);
				endedAt[i] = Date.now();
				release();
			}),
		);
		// With FIFO order, request i took the slot request i - limit gave back at the earliest.
		const earliestEnds = (i: number) => [...endedAt.slice(0, i)].sort((a, b) => a - b);
		for (let i = limit; i < 10; i++) {
			expect(acquiredAt[i]).toBeGreaterThanOrEqual(earliestEnds(i)[i - limit] + windowMs);
		}
	});

	it('never hands out a slot while `limit` requests are still in flight', async () => {
		const limiter = new SlidingWindowLimiter(2, 20);
		const first = await limiter.acquire();
		await limiter.acquire();
		let third = false;
		const waiting = limiter.acquire().then((release) => {
			third = true;
			return release;
		});
		await sleep(100);
		expect(third).toBe(false);
		expect(limiter.inWindow).toBe(2);
		first();
		first(); // releasing twice frees one slot, not two
		(await waiting)();
		expect(third).toBe(true);
	});

	it('pauseUntil holds every caller until the pause ends, then serves them in order', async () => {
		const limiter = new SlidingWindowLimiter(100, 50);
		(await limiter.acquire())();
		const pauseEnd = Date.now() + 120;
		limiter.pauseUntil(pauseEnd);
		limiter.pauseUntil(pauseEnd - 100); // an earlier pause never shortens a later one
		const served: Array<[number, number]> = [];
		await Promise.all(
			[0, 1, 2].map(async (caller) => {
				const release = await limiter.acquire();
				served.push([caller, Date.now()]);
				release();
			}),
		);
		expect(served.map(([caller]) => caller)).toEqual([0, 1, 2]);
		for (const [, at] of served) expect(at).toBeGreaterThanOrEqual(pauseEnd);
	});

	it('nextFreeSlotAt is a window after the earliest ended request', async () => {
		const limiter = new SlidingWindowLimiter(2, 1000);
		expect(limiter.nextFreeSlotAt()).toBe(Infinity);
		const release = await limiter.acquire();
		expect(limiter.nextFreeSlotAt()).toBe(Infinity); // still in flight
		release();
		const ended = Date.now();
		expect(limiter.nextFreeSlotAt()).toBeGreaterThanOrEqual(ended + 1000 - 1);
		expect(limiter.nextFreeSlotAt()).toBeLessThanOrEqual(ended + 1000 + limiter.marginMs);
	});

	it('one limiter per base URL and API key; credential edits apply to it at once', () => {
		const a = getLimiter('http://x/api/v2', 'key-a', 50, 10_000);
		expect(getLimiter('http://x/api/v2', 'key-a', 50, 10_000)).toBe(a);
		expect(getLimiter('http://x/api/v2', 'key-b', 50, 10_000)).not.toBe(a);
		expect(getLimiter('http://y/api/v2', 'key-a', 50, 10_000)).not.toBe(a);
		getLimiter('http://x/api/v2', 'key-a', 25, 5_000);
		expect([a.limit, a.windowMs]).toEqual([25, 5_000]);
	});
});
