/**
 * `npm run test:e2e`: starts the same stack as `npm run dev` (fresh n8n database, its own ports)
 * and runs the end-to-end suites against it: on n8n 2.x (SSRF protection on) the public-API suite,
 * Send and Wait (its form in headless Chromium), the editor's browser suite and the SSRF suite;
 * then the public-API and Send and Wait suites again on n8n 1.x (a new stack on the same ports).
 * Installs Node 24, both n8n versions and Chromium on first run.
 *
 * Options: --no-browser (API suite only), --keep (leave the stack running after the tests),
 * --update-screenshots (copy the README's screenshots to docs/screenshots), --n8n-line=2 or
 * --n8n-line=1 (only that n8n line).
 * Ports: E2E_N8N_PORT (5800), E2E_BROKER_PORT (5801), E2E_SANDBOX_PORT (5802).
 * Artifacts (n8n logs, every screenshot): test-artifacts/e2e/.
 */
import { randomBytes } from 'crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { apiSuite } from '../test/e2e/api.e2e';
import { browserSuite } from '../test/e2e/browser.e2e';
import { campaignSuite } from '../test/e2e/campaign.e2e';
import { HMAC_SIGNATURE_SECRET_ENV, sendAndWaitSuite } from '../test/e2e/sendAndWait.e2e';
import { ssrfSuite } from '../test/e2e/ssrf.e2e';
import type { TestResult } from '../test/e2e/harness';
import { ensureChromium } from './lib/browser';
import { log, N8N_LINES, type N8nLine } from './lib/install';
import { REPO_ROOT, startStack, type Stack } from './lib/stack';

interface LineRun {
	line: N8nLine;
	results: TestResult[];
	timings: Record<string, number>;
	seconds: number;
	crashed: boolean;
}

async function runLine(line: N8nLine, artifacts: string, withBrowser: boolean): Promise<LineRun> {
	const started = Date.now();
	const n8nPort = Number(process.env.E2E_N8N_PORT ?? 5800);
	// startStack installs and starts the line ensureRuntime reads from CRONCRM_N8N_LINE.
	process.env.CRONCRM_N8N_LINE = line;
	// n8n's secret for signing resume URLs, known here so the Send and Wait suite can make forged
	// links that pass n8n's own check and reach the package's.
	process.env[HMAC_SIGNATURE_SECRET_ENV] = randomBytes(32).toString('hex');
	const userFolder = mkdtempSync(join(tmpdir(), 'croncrm-e2e-n8n-'));
	let stack: Stack | undefined;
	const results: TestResult[] = [];
	let crashed = false;
	// Interrupted (Ctrl-C without --keep, terminal closed, CI stopping): n8n runs detached, so
	// stop it before leaving.
	const onSignal = () => void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
	for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
	try {
		log(`End-to-end on n8n ${N8N_LINES[line].version}`);
		const [startedStack, chromium] = await Promise.all([
			startStack({
				n8nPort,
				brokerPort: Number(process.env.E2E_BROKER_PORT ?? 5801),
				sandboxPort: Number(process.env.E2E_SANDBOX_PORT ?? 5802),
				userFolder,
				fresh: true,
				logFile: join(artifacts, line === '2' ? 'n8n.log' : `n8n-${line}.x.log`),
				importExamples: true,
				// As npm run dev: the restart test finds the slots where the trigger left them.
				sandboxStateFile: join(userFolder, 'sandbox-state.json'),
			}),
			withBrowser ? ensureChromium() : Promise.resolve(undefined),
		]);
		stack = startedStack;
		results.push(...(await apiSuite(stack).run()));
		results.push(...(await campaignSuite(stack).run()));
		// On both lines; the suite reads waiting executions by id, which 1.x's API needs, and checks
		// the "Human review" tool variant only on 2.x, which has it.
		results.push(
			...(await sendAndWaitSuite(stack, {
				chromiumPath: chromium,
				artifacts,
				updateReadmeShots: process.argv.includes('--update-screenshots'),
				n8nLine: line,
			}).run()),
		);
		// The editor's browser suite stays on 2.x.
		if (chromium && line === '2')
			results.push(
				...(await browserSuite(stack, chromium, artifacts, {
					updateReadmeShots: process.argv.includes('--update-screenshots'),
				}).run()),
			);
		// n8n 1.x has no SSRF protection; on 2.x the stack runs with it on (SSRF_SETTINGS). Last: its
		// second CRONCRM credential must not be there while the other suites pick credentials.
		if (line === '2') results.push(...(await ssrfSuite(stack).run()));
	} catch (error) {
		console.error(error);
		crashed = true;
	} finally {
		if (stack && process.argv.includes('--keep')) {
			log(`--keep: n8n stays on ${stack.n8nUrl} until Ctrl-C`);
			await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
		}
		await stack?.stop();
		for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
		rmSync(userFolder, { recursive: true, force: true });
	}
	return {
		line,
		results,
		timings: stack?.timings ?? {},
		seconds: Math.round((Date.now() - started) / 1000),
		crashed,
	};
}

async function main() {
	const artifacts = join(REPO_ROOT, 'test-artifacts', 'e2e');
	rmSync(artifacts, { recursive: true, force: true });
	mkdirSync(artifacts, { recursive: true });
	const withBrowser = !process.argv.includes('--no-browser');
	const only = process.argv.find((arg) => arg.startsWith('--n8n-line='))?.split('=')[1];
	if (only !== undefined && !(only in N8N_LINES)) {
		console.error(`--n8n-line=${only}: expected one of ${Object.keys(N8N_LINES).join(', ')}`);
		process.exit(1);
	}
	// 2.x first. Chromium on both lines: Send and Wait's form runs in it on each.
	const lines: N8nLine[] = only ? [only as N8nLine] : ['2', '1'];
	const runs: LineRun[] = [];
	for (const line of lines) runs.push(await runLine(line, artifacts, withBrowser));

	let ok = true;
	console.log('');
	for (const run of runs) {
		const failed = run.results.filter((r) => r.status === 'failed');
		const timings = Object.entries(run.timings)
			.map(([k, v]) => `${k} ${v} s`)
			.join(', ');
		console.log(
			`n8n ${N8N_LINES[run.line].version}: ${run.results.length - failed.length} passed, ${failed.length} failed in ${run.seconds} s (${timings})`,
		);
		if (failed.length || run.crashed || run.results.length === 0) ok = false;
	}
	console.log(`Artifacts: ${artifacts}`);
	if (!ok) process.exit(1);
}

void main();
