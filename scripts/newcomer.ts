/**
 * `npm run test:newcomer` (the last step of `npm test`): the README's quick start on a fresh clone.
 * Clones this checkout's HEAD into a temporary folder (committed work only: no .cache/, no
 * node_modules, no n8n user folder; the n8n installs in ~/.cache/n8n-nodes-croncrm are shared),
 * then runs test/e2e/newcomer.e2e.ts: `npm run dev` there, twice, stopped with Ctrl-C each time.
 *
 * Options: --ref <commit> (clone that commit instead of HEAD, e.g. to see the test fail on older
 * code), --no-browser (leave out the canvas check in headless Chromium).
 * Ports: NEWCOMER_N8N_PORT, NEWCOMER_BROKER_PORT, NEWCOMER_SANDBOX_PORT; free ones by default.
 * Artifacts (both runs' output, n8n's log, a screenshot): test-artifacts/newcomer/.
 */
import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

import { newcomerSuite } from '../test/e2e/newcomer.e2e';
import { ensureChromium } from './lib/browser';
import { log } from './lib/install';
import { REPO_ROOT } from './lib/stack';

/** A port nothing listens on now (the system picks it, away from the ports fetch refuses). */
async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

async function port(variable: string): Promise<number> {
	const configured = process.env[variable];
	return configured ? Number(configured) : await freePort();
}

function option(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main() {
	const started = Date.now();
	const artifacts = join(REPO_ROOT, 'test-artifacts', 'newcomer');
	rmSync(artifacts, { recursive: true, force: true });
	mkdirSync(artifacts, { recursive: true });

	const ref = option('ref') ?? 'HEAD';
	const git = (args: string[], cwd = REPO_ROOT) =>
		execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
	if (ref === 'HEAD' && git(['status', '--porcelain', '--untracked-files=no'])) {
		log('Uncommitted changes are not in the clone: the newcomer test runs the last commit.');
	}
	const commit = git(['rev-parse', ref]);
	const dir = realpathSync(mkdtempSync(join(tmpdir(), 'croncrm-newcomer-')));
	const clone = join(dir, 'n8n-nodes-croncrm');
	git(['clone', '--quiet', '--no-checkout', REPO_ROOT, clone]);
	git(['checkout', '--quiet', commit], clone);
	log(`Cloned ${commit.slice(0, 10)} into ${clone}`);

	const ports = {
		n8n: await port('NEWCOMER_N8N_PORT'),
		broker: await port('NEWCOMER_BROKER_PORT'),
		sandbox: await port('NEWCOMER_SANDBOX_PORT'),
	};
	const chromiumPath = process.argv.includes('--no-browser') ? undefined : await ensureChromium();
	const suite = newcomerSuite({ clone, ports, chromiumPath, artifacts });
	let results: Awaited<ReturnType<typeof suite.run>> = [];
	// Interrupted (terminal closed, CI stopping): stop what the clone runs before leaving.
	const onSignal = () => void suite.cleanUp().finally(() => process.exit(1));
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
	try {
		results = await suite.run();
	} finally {
		if (results.some((r) => r.status === 'failed')) await suite.cleanUp();
		const n8nLog = join(clone, '.cache', 'dev', 'n8n.log');
		if (existsSync(n8nLog)) copyFileSync(n8nLog, join(artifacts, 'n8n.log'));
		rmSync(dir, { recursive: true, force: true });
	}
	const failed = results.filter((r) => r.status === 'failed').length;
	console.log(
		`\nNewcomer: ${results.length - failed} passed, ${failed} failed in ${Math.round((Date.now() - started) / 1000)} s`,
	);
	console.log(`Artifacts: ${artifacts}`);
	process.exit(failed || results.length === 0 ? 1 : 0);
}

main().catch((error: Error) => {
	console.error(error);
	process.exit(1);
});
