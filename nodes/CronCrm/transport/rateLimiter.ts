import { createHash } from 'crypto';
import { sleep } from 'n8n-workflow';

/** Hands the slot back when the request has ended (reply, error or timeout). Idempotent. */
export type ReleaseSlot = () => void;

interface Slot {
	/** When the request ended (ms); Infinity while it is in flight. */
	endedAt: number;
}

/**
 * A sliding-window limiter: at most `limit` requests in any window of `windowMs`, as the server
 * counts them.
 *
 * The server stamps a request at some moment between our send and its reply, and on a busy event
 * loop that moment can come tens of milliseconds after we decided to send. So a slot is not
 * reused `windowMs` after the send, but `windowMs` after the request ended: then the server's
 * stamp of the old request is certainly out of its window when the new one arrives, whatever the
 * latency. Callers are served strictly in arrival order, so concurrent items of one execution
 * queue behind each other instead of bursting, and a busy workflow cannot starve another one.
 */
export class SlidingWindowLimiter {
	/** The requests counted in the current window: in flight, or ended less than a window ago. */
	private slots: Slot[] = [];

	/** The tail of the FIFO queue of callers waiting for a slot. */
	private queueTail: Promise<unknown> = Promise.resolve();

	/** Set when CRONCRM answered 429: nothing is sent before this time (ms). */
	private pausedUntil = 0;

	/** Wakes the caller at the head of the queue when a slot that was in flight ends. */
	private onRelease: (() => void) | undefined;

	constructor(
		public limit: number,
		public windowMs: number,
	) {}

	/**
	 * A small margin for a server that rounds its clock differently from ours. Latency needs no
	 * margin: counting from the end of each request already covers it, and every millisecond
	 * here is lost once per window.
	 */
	get marginMs(): number {
		return Math.min(25, this.windowMs * 0.002);
	}

	/** Resolves when the caller may send one request; call the returned function when it ended. */
	async acquire(): Promise<ReleaseSlot> {
		const turn = this.queueTail.then(async () => await this.waitForSlot());
		this.queueTail = turn.catch(() => undefined);
		return await turn;
	}

	/** Stops all sends with this key until `untilMs` (after a 429 from CRONCRM). */
	pauseUntil(untilMs: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, untilMs);
	}

	/**
	 * When the next slot frees up: a window after the earliest request that ended inside the
	 * current window; Infinity while none has (all in flight, or none sent).
	 */
	nextFreeSlotAt(now = Date.now()): number {
		const horizon = this.horizon(now);
		let earliest = Infinity;
		for (const slot of this.slots) {
			if (slot.endedAt > horizon) earliest = Math.min(earliest, slot.endedAt);
		}
		return earliest + this.windowMs + this.marginMs;
	}

	/** Requests counted in the window right now (in flight included). */
	get inWindow(): number {
		const horizon = this.horizon(Date.now());
		return this.slots.filter((slot) => slot.endedAt > horizon).length;
	}

	/** Requests that ended at or before this time no longer count. */
	private horizon(now: number): number {
		return now - this.windowMs - this.marginMs;
	}

	private prune(now: number) {
		const horizon = this.horizon(now);
		// Slots mostly end in the order they were taken: dropping from the front is cheap and
		// keeps memory flat even with a huge allowance.
		while (this.slots.length > 0 && this.slots[0].endedAt <= horizon) this.slots.shift();
		// Slots behind one still in flight may have ended long ago: count exactly at the limit.
		if (this.slots.length >= this.limit) {
			this.slots = this.slots.filter((slot) => slot.endedAt > horizon);
		}
	}

	private async waitForSlot(): Promise<ReleaseSlot> {
		for (;;) {
			const now = Date.now();
			if (this.pausedUntil > now) {
				await sleep(this.pausedUntil - now);
				continue;
			}
			this.prune(now);
			if (this.slots.length < this.limit) return this.take();
			// The same `now` as the pruning: with a later clock, slots that just left the window
			// would count neither as taken nor as freeing up, and this caller would wait for a
			// release that never comes.
			const freeAt = this.nextFreeSlotAt(now);
			if (freeAt === Infinity) {
				// Every slot is in flight: wait until one of them ends.
				await new Promise<void>((resolve) => (this.onRelease = resolve));
			} else {
				// A slot released meanwhile frees up even later, so there is nothing else to wait for.
				await sleep(freeAt - now);
			}
		}
	}

	private take(): ReleaseSlot {
		const slot: Slot = { endedAt: Infinity };
		this.slots.push(slot);
		return () => {
			if (slot.endedAt !== Infinity) return;
			slot.endedAt = Date.now();
			const wake = this.onRelease;
			this.onRelease = undefined;
			wake?.();
		};
	}
}

/**
 * This process's part of the account's allowance when `processes` n8n processes send with the
 * same key (queue mode: workers, webhook processors, main). They cannot talk to each other (a
 * node may not open its own connections), so each keeps to an equal share, rounded down so the
 * shares never add up to more than the allowance; at least 1, so nothing stalls.
 */
export function shareOfAllowance(allowance: number, processes: number): number {
	const count = Math.max(1, Math.floor(Number(processes) || 1));
	return Math.max(1, Math.floor(allowance / count));
}

const limiters = new Map<string, SlidingWindowLimiter>();

/**
 * The one limiter of a CRONCRM account in this n8n process, shared by every execution and by
 * both nodes. Keyed by base URL and a hash of the API key, so the key itself is never held here.
 */
export function getLimiter(baseUrl: string, apiKey: string, limit: number, windowMs: number) {
	const keyHash = createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
	const id = `${baseUrl}|${keyHash}`;
	let limiter = limiters.get(id);
	if (!limiter) {
		limiter = new SlidingWindowLimiter(limit, windowMs);
		limiters.set(id, limiter);
	}
	// Settings edited in the credentials apply at once, without losing the window's history.
	limiter.limit = limit;
	limiter.windowMs = windowMs;
	return limiter;
}
