/**
 * Fault plans for the sandbox (sandbox.faults) and helpers to check what a run did with them.
 * The sandbox numbers the requests that passed auth, rate limit and validation (0-based); a plan
 * maps that number (and the method and route) to a fault or none.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ROUTES } from '../../sandbox/handlers';
import type { Fault, FaultPlan, Handler, RecordedRequest, Sandbox } from '../../sandbox/server';
import type { RunResult } from './engine';
import { overriddenRoutes } from './schemas';

/** mulberry32: a tiny seeded PRNG, so a fault schedule is the same on every run. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The first `count` requests (on `route`, if given) get `fault`; the rest pass. */
export function failFirst(fault: Fault, count = 1, route?: string): FaultPlan {
	let failed = 0;
	return (request) => {
		if (route !== undefined && request.route !== route) return undefined;
		if (failed >= count) return undefined;
		failed++;
		return fault;
	};
}

/** Requests whose body or query matches `pick` get `fault`, every time. */
export function failWhere(
	pick: (request: { method: string; route: string; index: number }) => boolean,
	fault: Fault,
): FaultPlan {
	return (request) => (pick(request) ? fault : undefined);
}

export interface ScheduleOptions {
	seed: number;
	/** Chance that a request starts a fault (other than a 429 burst). */
	faultRate: number;
	kinds: Array<Exclude<Fault['kind'], '429'>>;
	/** Chance that a fault hits after the sandbox processed the request. */
	afterShare: number;
	/** Chance that a request starts a burst of 429s, as when another client uses the key. */
	burstRate: number;
	/** A burst rejects this many requests in a row (inclusive range). */
	burstLength: [number, number];
	/** How long a timeout holds the reply (ms); the node's timeout must be shorter. */
	holdMs: number;
}

/**
 * A seeded fault schedule: the n-th request's fault depends only on the seed and n. Bursts of
 * 429s (with or without Retry-After) model another client using the same key; the other faults
 * hit before or after the sandbox processed the request.
 */
export function seededSchedule(options: ScheduleOptions): FaultPlan & { planned: Fault[] } {
	const random = seededRandom(options.seed);
	const planned: Array<Fault | undefined> = [];
	let burstLeft = 0;
	let burstFault: Fault = { kind: '429' };
	const decide = (): Fault | undefined => {
		if (burstLeft > 0) {
			burstLeft--;
			return burstFault;
		}
		const roll = random();
		if (roll < options.burstRate) {
			const [min, max] = options.burstLength;
			burstLeft = min + Math.floor(random() * (max - min + 1)) - 1;
			// Retry-After 0 or none keep the suite fast; the transport must cope with both.
			burstFault = random() < 0.5 ? { kind: '429', retryAfterSeconds: 0 } : { kind: '429' };
			return burstFault;
		}
		if (roll < options.burstRate + options.faultRate) {
			const kind = options.kinds[Math.floor(random() * options.kinds.length)];
			return {
				kind,
				when: random() < options.afterShare ? 'after' : 'before',
				holdMs: options.holdMs,
			};
		}
		return undefined;
	};
	const plan: FaultPlan = (request) => {
		while (planned.length <= request.index) planned.push(decide());
		return planned[request.index];
	};
	return Object.assign(plan, { planned: planned as Fault[] });
}

/** Replaces a sandbox route's handler until the returned function is called. */
export function overrideRoute(route: string, handle: Handler): () => void {
	const original = ROUTES[route];
	ROUTES[route] = { ...original, handle };
	// Its made-up replies are not CRONCRM's: the output schema check leaves them alone.
	overriddenRoutes.add(route);
	return () => {
		ROUTES[route] = original;
		overriddenRoutes.delete(route);
	};
}

/** Everything a run produced, as text: output items, errors (with their causes) and run data. */
export function serializeRun(result: RunResult): string {
	const seen = new WeakSet<object>();
	const replacer = (_key: string, value: unknown) => {
		if (value instanceof Error) {
			const error: IDataObject = {};
			for (const name of Object.getOwnPropertyNames(value)) {
				error[name] = (value as unknown as IDataObject)[name];
			}
			return { ...error, ...(value as unknown as IDataObject) };
		}
		if (value && typeof value === 'object') {
			if (seen.has(value)) return '[circular]';
			seen.add(value);
		}
		return value;
	};
	return JSON.stringify({ items: result.items, error: result.error, run: result.run }, replacer);
}

/** The error of an output item, whether n8n kept it on `error` or put its message in the JSON. */
export function itemError(item: INodeExecutionData): string | undefined {
	if (item.error) return `${item.error.message} | ${item.error.description ?? ''}`;
	const json = item.json as IDataObject;
	return typeof json.error === 'string' ? json.error : undefined;
}

/** Requests the sandbox got for the mutation with this tag name (POST /tags/create). */
export function requestsFor(sandbox: Sandbox, name: string): RecordedRequest[] {
	return sandbox.requests.filter((r) => r.body.name === name || r.query.name === name);
}

/** The name in a processed mutation's body (tag creations carry one). */
export function mutationName(mutation: { body: unknown }): unknown {
	return (mutation.body as IDataObject | undefined)?.name;
}

/** How often the sandbox processed a tag creation with this name. */
export function timesProcessed(sandbox: Sandbox, name: string): number {
	return sandbox.state.mutations.filter((m) => mutationName(m) === name).length;
}
