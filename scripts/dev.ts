/**
 * `npm run dev`: a real n8n editor with the CRONCRM nodes, a CRONCRM sandbox with demo data, a
 * credential pointing at it and the example workflows. Installs what it needs on first run.
 *
 * Options: --fresh (new n8n database and a newly seeded sandbox), --port <n8n port, 5678>, --sandbox-port <5690>,
 * --broker-port <n8n task broker, 5688>. Ctrl-C stops everything it started.
 */
import { join } from 'path';

import { DEFAULT_API_KEY } from '../sandbox/server';
import { log } from './lib/install';
import { OWNER, REPO_ROOT, SSRF_SETTINGS, startStack } from './lib/stack';

function option(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main() {
	const started = Date.now();
	const devDir = join(REPO_ROOT, '.cache', 'dev');
	const stack = await startStack({
		n8nPort: option('port', 5678),
		brokerPort: option('broker-port', 5688),
		sandboxPort: option('sandbox-port', 5690),
		userFolder: join(devDir, 'n8n'),
		fresh: process.argv.includes('--fresh'),
		logFile: join(devDir, 'n8n.log'),
		importExamples: true,
		// They start on their own (a CRONCRM event, a webhook call), so they are ready as the
		// README says; their triggers register with the sandbox only: nothing leaves the machine.
		publishExamples: ['auto-reply.json', 'lead-capture.json', 'burst-chatbot.json'],
		// Slots and records survive Ctrl-C: active triggers still receive events after a restart.
		sandboxStateFile: join(devDir, 'sandbox-state.json'),
	});
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		log('Stopping n8n and the sandbox...');
		await stack.stop();
		process.exit(0);
	};
	// SIGHUP: the terminal was closed. Without a handler this process dies and n8n, detached in
	// its own process group, would be left running with nobody reading its output.
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
		process.on(signal, () => void stop());

	const line = '-'.repeat(72);
	// n8n 1.x has no SSRF protection, and the stack turns it on only on 2.x.
	const ssrf =
		Number(stack.runtime.n8nVersion.split('.')[0]) >= 2
			? `
  SSRF protection is on (N8N_SSRF_PROTECTION_ENABLED=${SSRF_SETTINGS.N8N_SSRF_PROTECTION_ENABLED}), with
  N8N_SSRF_ALLOWED_IP_RANGES=${SSRF_SETTINGS.N8N_SSRF_ALLOWED_IP_RANGES} so that n8n reaches the sandbox.
  A CRONCRM on a private address needs its own entry, e.g.
  N8N_SSRF_ALLOWED_HOSTNAMES=<its host> or N8N_SSRF_ALLOWED_IP_RANGES=<ip>/32.
`
			: '';
	console.log(`
${line}
  n8n editor      ${stack.n8nUrl}
  login           ${OWNER.email}  /  ${OWNER.password}
  credential      "CRONCRM sandbox" -> ${stack.sandbox.url} (API key ${DEFAULT_API_KEY})
  workflows       ${stack.workflows.map((w) => `${stack.n8nUrl}/workflow/${w.id}  ${w.name}${w.published ? ' (published)' : ''}`).join('\n                  ')}
  sandbox         ${stack.sandbox.origin}/__sandbox/state shows what CRONCRM "received"
  n8n log         ${join(devDir, 'n8n.log')}

  Go live: in Credentials, set the CRONCRM credential's Base URL to
  https://croncrm.com/api/v2 and its API Key to your account's key; for the
  trigger, start n8n with WEBHOOK_URL set to its public https address.
${ssrf}  Ready in ${Math.round((Date.now() - started) / 1000)} s. Ctrl-C stops n8n and the sandbox.
${line}
`);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
