/**
 * `npm run test:e2e`: starts the same stack as `npm run dev` (fresh n8n database, its own ports)
 * and runs the end-to-end suites against it: the public-API suite, then the browser suite in
 * headless Chromium. Installs Node 24, n8n and Chromium on first run.
 *
 * Options: --no-browser (API suite only), --keep (leave the stack running after the tests),
 * --update-screenshots (copy the README's screenshots to docs/screenshots).
 * Ports: E2E_N8N_PORT (5800), E2E_BROKER_PORT (5801), E2E_SANDBOX_PORT (5802).
 * Artifacts (n8n log, every screenshot): test-artifacts/e2e/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { apiSuite } from '../test/e2e/api.e2e';
import { browserSuite } from '../test/e2e/browser.e2e';
import { sendAndWaitSuite } from '../test/e2e/sendAndWait.e2e';
import type { TestResult } from '../test/e2e/harness';
import { ensureChromium } from './lib/browser';
import { log } from './lib/install';
import { REPO_ROOT, startStack, type Stack } from './lib/stack';

async function main() {
	const started = Date.now();
	const artifacts = join(REPO_ROOT, 'test-artifacts', 'e2e');
	rmSync(artifacts, { recursive: true, force: true });
	mkdirSync(artifacts, { recursive: true });
	const withBrowser = !process.argv.includes('--no-browser');
	const userFolder = mkdtempSync(join(tmpdir(), 'croncrm-e2e-n8n-'));

	let stack: Stack | undefined;
	const results: TestResult[] = [];
	let exitCode = 0;
	// Interrupted (Ctrl-C without --keep, terminal closed, CI stopping): n8n runs detached, so
	// stop it before leaving.
	for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
		process.once(
			signal,
			() => void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1)),
		);
	}
	try {
		const [startedStack, chromium] = await Promise.all([
			startStack({
				n8nPort: Number(process.env.E2E_N8N_PORT ?? 5800),
				brokerPort: Number(process.env.E2E_BROKER_PORT ?? 5801),
				sandboxPort: Number(process.env.E2E_SANDBOX_PORT ?? 5802),
				userFolder,
				fresh: true,
				logFile: join(artifacts, 'n8n.log'),
				importExamples: true,
				// As npm run dev: the restart test finds the slots where the trigger left them.
				sandboxStateFile: join(userFolder, 'sandbox-state.json'),
			}),
			withBrowser ? ensureChromium() : Promise.resolve(undefined),
		]);
		stack = startedStack;
		results.push(...(await apiSuite(stack).run()));
		results.push(
			...(await sendAndWaitSuite(stack, {
				chromiumPath: chromium,
				artifacts,
				updateReadmeShots: process.argv.includes('--update-screenshots'),
			}).run()),
		);
		if (chromium)
			results.push(
				...(await browserSuite(stack, chromium, artifacts, {
					updateReadmeShots: process.argv.includes('--update-screenshots'),
				}).run()),
			);
	} catch (error) {
		console.error(error);
		exitCode = 1;
	} finally {
		if (stack && process.argv.includes('--keep')) {
			log(`--keep: n8n stays on ${stack.n8nUrl} until Ctrl-C`);
			await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
		}
		await stack?.stop();
		rmSync(userFolder, { recursive: true, force: true });
	}

	const failed = results.filter((r) => r.status === 'failed');
	const timings = stack
		? Object.entries(stack.timings)
				.map(([k, v]) => `${k} ${v} s`)
				.join(', ')
		: '';
	console.log(
		`\n${results.length - failed.length} passed, ${failed.length} failed in ${Math.round((Date.now() - started) / 1000)} s (${timings}). Artifacts: ${artifacts}`,
	);
	if (failed.length || exitCode || results.length === 0) process.exit(1);
}

void main();
