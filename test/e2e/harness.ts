/**
 * A small sequential runner for the end-to-end suites: they share one running n8n, so tests
 * run in order and each reports its own duration. A failed test does not stop the others.
 */
export interface TestResult {
	name: string;
	status: 'passed' | 'failed';
	seconds: number;
	error?: string;
}

type TestFn = () => Promise<void>;

export class Suite {
	readonly results: TestResult[] = [];

	private readonly tests: Array<{ name: string; fn: TestFn }> = [];

	private readonly cleanups: TestFn[] = [];

	constructor(readonly title: string) {}

	test(name: string, fn: TestFn) {
		this.tests.push({ name, fn });
	}

	/** Runs after a failed test, so that what it left (active workflows, slots) cannot fail the next. */
	afterFailure(fn: TestFn) {
		this.cleanups.push(fn);
	}

	async run(): Promise<TestResult[]> {
		console.log(`\n${this.title}`);
		for (const { name, fn } of this.tests) {
			const started = Date.now();
			try {
				await fn();
				this.record({ name, status: 'passed', seconds: (Date.now() - started) / 1000 });
			} catch (error) {
				const message = (error as Error).stack ?? String(error);
				this.record({
					name,
					status: 'failed',
					seconds: (Date.now() - started) / 1000,
					error: message,
				});
				for (const cleanup of this.cleanups) {
					await cleanup().catch((cleanupError: Error) =>
						console.log(`       (clean-up after the failure failed: ${cleanupError.message})`),
					);
				}
			}
		}
		return this.results;
	}

	private record(result: TestResult) {
		this.results.push(result);
		const mark = result.status === 'passed' ? 'ok  ' : 'FAIL';
		console.log(`  ${mark} ${result.name} (${result.seconds.toFixed(1)} s)`);
		if (result.error) console.log(result.error.replace(/^/gm, '       '));
	}
}

/** Retries `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	timeoutMs = 20_000,
	intervalMs = 300,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Has the sandbox fire a CRONCRM webhook at the URL in an instance's slot (409 while it is empty). */
export async function fireHook(
	sandboxOrigin: string,
	fire: { instance: string; hook: string; payload?: object },
): Promise<{ delivered?: boolean; status?: number }> {
	const response = await fetch(`${sandboxOrigin}/__sandbox/hooks/fire`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(fire),
	});
	return (await response.json()) as { delivered?: boolean; status?: number };
}

/**
 * POSTs JSON to an n8n webhook (`<webhookBase>/webhook/<path>`). n8n answers 404 for a moment
 * after activation (2.x publishes in the background; a webhook processor picks it up later), so
 * this polls until the path is served.
 */
export async function callWebhook(
	webhookBase: string,
	path: string,
	body: unknown,
): Promise<{ status: number; body: unknown }> {
	return await eventually(`webhook /webhook/${path}`, async () => {
		const response = await fetch(`${webhookBase}/webhook/${path}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		});
		if (response.status === 404) return undefined;
		return { status: response.status, body: (await response.json()) as unknown };
	});
}

/** Has the sandbox play a contact typing a burst into the trigger (POST /__sandbox/hooks/burst). */
export async function playBurst(
	sandboxOrigin: string,
	burst: { instance: string; chat_wid: string; texts: string[]; gapsMs: number },
): Promise<Array<{ delivered: boolean; status: number; response: unknown }>> {
	const response = await fetch(`${sandboxOrigin}/__sandbox/hooks/burst`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(burst),
	});
	const body = (await response.json()) as { deliveries?: never[] };
	if (!response.ok || !body.deliveries) throw new Error(`burst refused: ${JSON.stringify(body)}`);
	return body.deliveries;
}

/** Waits until n8n serves a trigger's URL (2.x and webhook processors pick it up a moment late). */
export async function servedUrl(url: string): Promise<void> {
	await eventually(`n8n to serve ${url.split('?')[0]}`, async () => {
		// A hook the trigger does not know: answered 200 and started nothing, once served.
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ hook: 'e2eProbe' }),
		});
		return response.status === 404 ? undefined : true;
	});
}
