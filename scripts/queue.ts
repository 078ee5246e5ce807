/**
 * `npm run test:queue`: this package on n8n's queue mode, the way it is deployed at scale.
 * Starts PostgreSQL and Redis (Debian's packages, installed on first use), n8n 2.x as one main
 * process, one webhook processor and two workers (each with the packed package installed as a
 * community package, one encryption key, one database, one queue), and the seeded CRONCRM
 * sandbox, behind a small load balancer (test webhooks to main, the rest to the webhook processor).
 * As on n8n 3.0, manual executions run on the workers (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS), and
 * SSRF protection is on (stack.ts). Then runs test/e2e/queue.e2e.ts through n8n's public API, and
 * test/e2e/queueManual.e2e.ts as the editor does. Ends with `N passed, M failed`.
 *
 * Ports: QUEUE_BASE_PORT (5900) and the ten after it (see PORTS below).
 * Options: --keep (leave everything running after the tests, until Ctrl-C).
 * Artifacts (every process's log, the measurements): test-artifacts/queue/.
 */
import { randomBytes } from 'crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { createServer, request } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';

import { seed } from '../sandbox/handlers/seed';
import { createSandbox, DEFAULT_API_KEY, type Sandbox } from '../sandbox/server';
import type { TestResult } from '../test/e2e/harness';
import { queueSuite, QUEUE_KEYS, QUEUE_RATE } from '../test/e2e/queue.e2e';
import { manualExecutionSuite } from '../test/e2e/queueManual.e2e';
import { ensureRuntime, log, type Runtime } from './lib/install';
import { N8nClient } from './lib/n8n-client';
import {
	ensurePostgres,
	ensureRedis,
	rssMb,
	startPostgres,
	startRedis,
	type Service,
} from './lib/services';
import {
	buildAndPack,
	installCommunityPackage,
	n8nEnvironment,
	OWNER,
	REPO_ROOT,
	startN8n,
	stopProcessGroup,
	type StackOptions,
} from './lib/stack';

const BASE = Number(process.env.QUEUE_BASE_PORT ?? 5900);
export const PORTS = {
	main: BASE,
	mainBroker: BASE + 1,
	webhook: BASE + 2,
	webhookBroker: BASE + 3,
	worker1Health: BASE + 4,
	worker1Broker: BASE + 5,
	worker2Health: BASE + 6,
	worker2Broker: BASE + 7,
	postgres: BASE + 8,
	redis: BASE + 9,
	sandbox: BASE + 10,
};
/** Jobs each worker runs at once; n8n advises at least 5. */
export const WORKER_CONCURRENCY = 5;

export interface N8nProcess {
	name: 'main' | 'webhook' | 'worker-1' | 'worker-2';
	pid: number | undefined;
	logFile: string;
	startSeconds: number;
	stop(): Promise<void>;
	/** kill -9 of the process and its children, as a machine or container dying would. */
	kill(): Promise<void>;
	/** Starts it again, as before (after kill or stop); pid changes. */
	restart(): Promise<void>;
}

export interface QueueStack {
	runtime: Runtime;
	sandbox: Sandbox;
	/** The main process's public API. */
	n8n: N8nClient;
	mainOrigin: string;
	/**
	 * Where CRONCRM's events and webhook calls go (WEBHOOK_URL): the load balancer, which sends
	 * /webhook-test/ to main and everything else to the webhook processor.
	 */
	webhookOrigin: string;
	/** Credential ids by name (see QUEUE_KEYS). */
	credentials: Record<keyof typeof QUEUE_KEYS, string>;
	processes: N8nProcess[];
	services: Service[];
	timings: Record<string, number>;
	stop(): Promise<void>;
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

/**
 * The load balancer of a queue-mode deployment: n8n serves test webhooks ("Listen for test
 * event", /webhook-test/) on main only, and production webhooks on the webhook processor. It
 * takes the webhook processor's port on 127.0.0.2, so it needs no port of its own.
 */
async function startLoadBalancer(port: number, mainPort: number, webhookPort: number) {
	const server = createServer((req, res) => {
		const target = req.url?.startsWith('/webhook-test/') ? mainPort : webhookPort;
		const upstream = request(
			{ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
			(reply) => {
				res.writeHead(reply.statusCode ?? 502, reply.headers);
				reply.pipe(res);
			},
		);
		upstream.on('error', () => {
			if (!res.headersSent) res.writeHead(502);
			res.end();
		});
		req.pipe(upstream);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.2', resolve);
	});
	return {
		origin: `http://127.0.0.2:${port}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

async function startQueueStack(root: string, artifacts: string): Promise<QueueStack> {
	const timings: Record<string, number> = {};
	const cleanups: Array<() => Promise<void>> = [];
	const stop = async () => {
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
		cleanups.length = 0;
	};
	try {
		let started = Date.now();
		const [runtime, tarball, postgresBin, redisBin] = await Promise.all([
			ensureRuntime(),
			buildAndPack(join(REPO_ROOT, '.cache', 'pack')),
			ensurePostgres(),
			ensureRedis(),
		]);
		timings.installAndBuild = seconds(started);

		started = Date.now();
		const postgres = await startPostgres({
			binDir: postgresBin,
			dataDir: join(root, 'postgres'),
			port: PORTS.postgres,
			logFile: join(artifacts, 'postgres.log'),
			user: 'n8n',
			database: 'n8n',
		});
		cleanups.push(() => postgres.stop());
		timings.postgresStart = seconds(started);
		started = Date.now();
		const redis = await startRedis({
			binary: redisBin,
			dir: join(root, 'redis'),
			port: PORTS.redis,
			logFile: join(artifacts, 'redis.log'),
		});
		cleanups.push(() => redis.stop());
		timings.redisStart = seconds(started);

		const sandbox = await createSandbox({
			port: PORTS.sandbox,
			rateLimit: { limit: QUEUE_RATE.limit, windowMs: QUEUE_RATE.windowSeconds * 1000 },
			apiKeys: [DEFAULT_API_KEY, ...Object.values(QUEUE_KEYS).map((k) => k.apiKey)],
		});
		cleanups.push(() => sandbox.close());
		seed(sandbox);
		log(`CRONCRM sandbox on ${sandbox.url}, ${QUEUE_RATE.limit} per ${QUEUE_RATE.windowSeconds} s`);

		const encryptionKey = randomBytes(24).toString('hex');
		const balancer = await startLoadBalancer(PORTS.webhook, PORTS.main, PORTS.webhook);
		cleanups.push(() => balancer.close());
		const webhookOrigin = balancer.origin;
		const processes: N8nProcess[] = [];
		// The n8n processes stop together: each waits for its own shutdown, not for the others'.
		const n8nStops: Array<() => Promise<void>> = [];
		cleanups.push(async () => {
			const began = Date.now();
			await Promise.all(n8nStops.map(async (stopOne) => await stopOne()));
			timings.n8nStop = seconds(began);
		});
		const spawnN8n = async (
			name: N8nProcess['name'],
			n8nPort: number,
			brokerPort: number,
			args: string[],
			extra: NodeJS.ProcessEnv,
			readyUrl: string,
		) => {
			const userFolder = join(root, name);
			mkdirSync(userFolder, { recursive: true });
			// Every process loads the package from its own folder, as on separate machines.
			await installCommunityPackage(userFolder, tarball, runtime);
			const options = { userFolder, n8nPort, brokerPort, logFile: join(artifacts, `${name}.log`) };
			const env: NodeJS.ProcessEnv = {
				...n8nEnvironment(options as StackOptions, runtime),
				EXECUTIONS_MODE: 'queue',
				N8N_ENCRYPTION_KEY: encryptionKey,
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(PORTS.postgres),
				DB_POSTGRESDB_DATABASE: 'n8n',
				DB_POSTGRESDB_USER: 'n8n',
				DB_POSTGRESDB_PASSWORD: '',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(PORTS.redis),
				// Every process builds webhook URLs (the trigger's slot URL) for the load balancer.
				WEBHOOK_URL: `${webhookOrigin}/`,
				N8N_WEBHOOK_URL: `${webhookOrigin}/`,
				// Always so on n8n 3.0: manual executions ("Execute workflow", test events) run on workers.
				OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
				...extra,
			};
			let child!: Awaited<ReturnType<typeof startN8n>>;
			const start = async () => {
				const began = Date.now();
				log(`Starting n8n ${name} (log: ${options.logFile})`);
				child = await startN8n(options, runtime, { args, env, readyUrl });
				const startSeconds = seconds(began);
				log(`n8n ${name} ready in ${startSeconds} s`);
				return startSeconds;
			};
			const startSeconds = await start();
			const stopIt = async () => {
				stopProcessGroup(child.child);
				const timer = setTimeout(() => stopProcessGroup(child.child, 'SIGKILL'), 20_000);
				await child.exited;
				clearTimeout(timer);
			};
			const onExit = () => stopProcessGroup(child.child, 'SIGKILL');
			process.on('exit', onExit);
			n8nStops.push(async () => {
				process.off('exit', onExit);
				await stopIt();
			});
			const entry: N8nProcess = {
				name,
				pid: child.child.pid,
				logFile: options.logFile,
				startSeconds,
				stop: stopIt,
				kill: async () => {
					stopProcessGroup(child.child, 'SIGKILL');
					await child.exited;
				},
				restart: async () => {
					await start();
					entry.pid = child.child.pid;
				},
			};
			processes.push(entry);
			return entry;
		};

		// The main process runs the database migrations: the others start once it is ready.
		started = Date.now();
		await spawnN8n(
			'main',
			PORTS.main,
			PORTS.mainBroker,
			['start'],
			// Production webhooks are served by the webhook processor only.
			{ N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
			`http://127.0.0.1:${PORTS.main}/healthz/readiness`,
		);
		await Promise.all([
			spawnN8n(
				'webhook',
				PORTS.webhook,
				PORTS.webhookBroker,
				['webhook'],
				{},
				`http://127.0.0.1:${PORTS.webhook}/healthz/readiness`,
			),
			...([1, 2] as const).map(async (n) => {
				const health = n === 1 ? PORTS.worker1Health : PORTS.worker2Health;
				return await spawnN8n(
					`worker-${n}`,
					health,
					n === 1 ? PORTS.worker1Broker : PORTS.worker2Broker,
					['worker', `--concurrency=${WORKER_CONCURRENCY}`],
					{
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(health),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					},
					`http://127.0.0.1:${health}/healthz/readiness`,
				);
			}),
		]);
		timings.n8nStart = seconds(started);

		const n8n = new N8nClient(`http://127.0.0.1:${PORTS.main}`);
		await n8n.ownerOrLogin(OWNER);
		await n8n.ensureApiKey(join(root, 'api-key.json'));
		const credentials = {} as QueueStack['credentials'];
		for (const [name, settings] of Object.entries(QUEUE_KEYS) as Array<
			[keyof typeof QUEUE_KEYS, (typeof QUEUE_KEYS)[keyof typeof QUEUE_KEYS]]
		>) {
			credentials[name] = await n8n.upsertCredential(settings.credentialName, 'cronCrmApi', {
				apiKey: settings.apiKey,
				baseUrl: sandbox.url,
				requestsPerWindow: QUEUE_RATE.limit,
				windowSeconds: QUEUE_RATE.windowSeconds,
				sendingProcesses: settings.sendingProcesses,
			});
		}
		return {
			runtime,
			sandbox,
			n8n,
			mainOrigin: `http://127.0.0.1:${PORTS.main}`,
			webhookOrigin,
			credentials,
			processes,
			services: [postgres, redis],
			timings,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

function memoryReport(stack: QueueStack): string {
	const parts = [
		...stack.processes.map((p) => `n8n ${p.name} ${rssMb(p.pid) ?? '?'} MB`),
		...stack.services.map((s) => `${s.name} ${rssMb(s.pid) ?? '?'} MB`),
	];
	return parts.join(', ');
}

async function main() {
	const started = Date.now();
	const artifacts = join(REPO_ROOT, 'test-artifacts', 'queue');
	rmSync(artifacts, { recursive: true, force: true });
	mkdirSync(artifacts, { recursive: true });
	const root = mkdtempSync(join(tmpdir(), 'croncrm-queue-'));
	// PostgreSQL runs as another user (not root) and must reach its data directory in here.
	chmodSync(root, 0o711);
	let stack: QueueStack | undefined;
	const results: TestResult[] = [];
	const report: string[] = [];
	for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
		process.once(
			signal,
			() => void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1)),
		);
	}
	let crashed = false;
	try {
		stack = await startQueueStack(root, artifacts);
		const ready = seconds(started);
		report.push(
			`Start-up: ${ready} s to a ready stack (${Object.entries(stack.timings)
				.map(([k, v]) => `${k} ${v} s`)
				.join(', ')}; per process: ${stack.processes
				.map((p) => `${p.name} ${p.startSeconds} s`)
				.join(', ')})`,
		);
		report.push(`Memory after start-up (RSS with child processes): ${memoryReport(stack)}`);
		const suite = queueSuite(stack, (line) => report.push(line));
		results.push(...(await suite.run()));
		results.push(...(await manualExecutionSuite(stack, (line) => report.push(line)).run()));
		report.push(`Memory after the tests: ${memoryReport(stack)}`);
	} catch (error) {
		console.error(error);
		crashed = true;
	} finally {
		if (stack && process.argv.includes('--keep')) {
			log(`--keep: main on ${stack.mainOrigin}, webhooks on ${stack.webhookOrigin}; Ctrl-C stops`);
			await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
		}
		await stack?.stop();
		rmSync(root, { recursive: true, force: true });
	}
	if (stack?.timings.n8nStop !== undefined)
		report.push(`n8n processes stopped in ${stack.timings.n8nStop} s`);
	report.push(`Total: ${seconds(started)} s`);
	writeFileSync(join(artifacts, 'report.txt'), `${report.join('\n')}\n`);
	console.log(`\n${report.join('\n')}\nArtifacts: ${artifacts}`);
	const passed = results.filter((r) => r.status === 'passed').length;
	// A stack that did not start counts as one failure.
	const failed = results.length - passed + (crashed ? 1 : 0);
	console.log(`${passed} passed, ${failed} failed`);
	if (failed || results.length === 0) process.exit(1);
}

void main();
