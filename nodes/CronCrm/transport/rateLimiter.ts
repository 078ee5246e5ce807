import { createHash } from 'crypto';
import { sleep } from 'n8n-workflow';

/**
 * A sliding-window limiter: at most `limit` sends in any window of `windowMs`.
 *
 * Callers are served strictly in arrival order, so concurrent items of one execution queue
 * behind each other instead of bursting, and a busy workflow cannot starve another one.
 */
export class SlidingWindowLimiter {
	/** Send times (ms) inside the current window, oldest first. */
	private readonly sendTimes: number[] = [];

	/** The tail of the FIFO queue of callers waiting for a slot. */
	private queueTail: Promise<void> = Promise.resolve();

	/** Set when CRONCRM answered 429: nothing is sent before this time (ms). */
	private pausedUntil = 0;

	constructor(
		public limit: number,
		public windowMs: number,
	) {}

	/**
	 * Server clocks see a request slightly after we stamp it. A small margin keeps the
	 * server's view of the window from ever holding `limit + 1` requests.
	 */
	get marginMs(): number {
		return Math.min(100, this.windowMs * 0.02);
	}

	/** Resolves when the caller may send one request; that send is then counted. */
	async acquire(): Promise<void> {
		const turn = this.queueTail.then(async () => await this.waitForSlot());
		this.queueTail = turn.catch(() => undefined);
		return await turn;
	}

	/** Stops all sends with this key until `untilMs` (after a 429 from CRONCRM). */
	pauseUntil(untilMs: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, untilMs);
	}

	/** When the oldest send in the window leaves it, i.e. when a slot frees up. */
	nextFreeSlotAt(): number {
		const oldest = this.sendTimes[0] ?? Date.now();
		return oldest + this.windowMs + this.marginMs;
	}

	private async waitForSlot(): Promise<void> {
		for (;;) {
			const now = Date.now();
			if (this.pausedUntil > now) {
				await sleep(this.pausedUntil - now);
				continue;
			}
			while (
				this.sendTimes.length > 0 &&
				this.sendTimes[0] + this.windowMs + this.marginMs <= now
			) {
				this.sendTimes.shift();
			}
			if (this.sendTimes.length < this.limit) {
				this.sendTimes.push(now);
				return;
			}
			await sleep(this.nextFreeSlotAt() - now);
		}
	}
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
