/**
 * Starts the CRONCRM sandbox on its own: `npm run sandbox -- --port 5690 [--seed]`.
 * Base URL for the credentials: http://127.0.0.1:<port>/api/v2, API key: sandbox-key.
 * --seed fills it with the demo account (instances, tags, lists, contacts, users, funnels, chats);
 * POST /__sandbox/seed does the same at any time.
 */
import { seed } from './handlers/seed';
import { createSandbox, DEFAULT_API_KEY } from './server';

function argument(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : process.env[`SANDBOX_${name.toUpperCase()}`];
}

const HELP = `npm run sandbox -- [--port 5690] [--host 127.0.0.1] [--limit 50] [--window-ms 10000] [--seed] [--state-file <path>]

Starts a fake CRONCRM API on http://<host>:<port>/api/v2 (API key ${DEFAULT_API_KEY}).
  --seed        fill it with the demo account (also: POST /__sandbox/seed)
  --limit, --window-ms   the rate limit: requests per sliding window per API key
  --state-file  keep the account in this JSON file across restarts (loaded if it exists)
Inspect and drive it under /__sandbox/: GET requests, GET state, POST reset, POST seed,
POST rate-limit, POST hooks/fire, POST hooks/fire-when-registered,
POST instances/empty-means-unchanged (see the README's "The CRONCRM sandbox").`;

async function main() {
	if (process.argv.includes('--help') || process.argv.includes('-h')) {
		console.log(HELP);
		return;
	}
	const sandbox = await createSandbox({
		port: Number(argument('port') ?? 5690),
		host: argument('host') ?? '127.0.0.1',
		rateLimit: {
			limit: Number(argument('limit') ?? 50),
			windowMs: Number(argument('window-ms') ?? 10_000),
		},
		stateFile: argument('state-file'),
	});
	const restored = !!argument('state-file') && sandbox.state.instances.length > 0;
	if (!restored && (process.argv.includes('--seed') || process.env.SANDBOX_SEED)) {
		const counts = seed(sandbox);
		sandbox.save();
		console.log(`Seeded demo records: ${JSON.stringify(counts)}`);
	}
	console.log(`CRONCRM sandbox listening: base URL ${sandbox.url}  API key ${DEFAULT_API_KEY}`);
	const stop = () => void sandbox.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
