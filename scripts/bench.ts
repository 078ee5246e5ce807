/**
 * `npm run bench`: how close each way of pacing requests gets to CRONCRM's rate limit.
 *
 * The sandbox enforces a sliding window (shortened to keep the run short; the same for every
 * contender). N tag creations (POST, so every one is a mutation the sandbox logs) are spread over
 * K concurrent executions of "Input -> CRONCRM" through n8n's real engine. Contenders:
 *   limiter   this package's limiter, set to the account's allowance
 *   none      no limiter (allowance set huge); the transport still retries 429s
 *   batching  n8n's own Request Options > Batching, as a user would set it (1 item per
 *             window/allowance), package limiter effectively off
 *   skip      the limiter, with Send Text and Skip If Already Sent to N distinct chats instead
 *             of tags: each item reads the chat's sent messages first, so twice the requests
 * A last section measures the package's own cost per request against a bare HTTP loop.
 *
 * Prints one table and writes the same numbers to bench-results/bench.json (or --out <file>).
 * Options: --limit 50 --window-ms 1000 --n 500 --k 1,3 --only limiter,none,batching
 */
import { mkdirSync, writeFileSync } from 'fs';
import { Agent, request as httpRequest } from 'http';
import type { IDataObject } from 'n8n-workflow';
import { dirname, join } from 'path';

import { SlidingWindowLimiter } from '../nodes/CronCrm/transport/rateLimiter';
import { runCronCrm, shutdownEngine, type RunResult } from '../test/helpers/engine';
import { createSandbox, type Sandbox } from '../sandbox/server';

function argument(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : fallback;
}

const LIMIT = Number(argument('limit', '50'));
const WINDOW_MS = Number(argument('window-ms', '1000'));
const N = Number(argument('n', String(LIMIT * 10)));
const KS = argument('k', '1,3').split(',').map(Number);
const CONTENDERS = argument('only', 'limiter,none,batching,skip').split(',') as Contender[];
const OUT = argument('out', join(__dirname, '..', 'bench-results', 'bench.json'));
const COST_REQUESTS = Number(argument('cost-n', '1000'));

type Contender = 'limiter' | 'none' | 'batching' | 'skip';

interface Row {
	contender: Contender | 'ideal';
	k: number;
	n: number;
	wallMs: number;
	/** From the start of the run until the sandbox accepted the first request (engine set-up). */
	firstMs: number;
	/** Accepted requests per window, after the first full window, as a fraction of the cap. */
	rateOfCap: number | null;
	received429: number;
	lost: number;
	duplicated: number;
	/** Per item: from the start of the run until the sandbox processed its request. */
	waitP50Ms: number | null;
	waitP95Ms: number | null;
}

function percentile(sorted: number[], p: number): number | null {
	if (sorted.length === 0) return null;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The cap is `LIMIT` per `WINDOW_MS`. A sliding window lets the first LIMIT requests through at
 * once, and after that at most LIMIT more per window: the k-th request (0-based) cannot be
 * accepted before floor(k / LIMIT) windows have passed. The achieved rate is therefore measured
 * over the requests after the first window's burst: (accepted - LIMIT) / span, divided by the cap.
 * 1.00 is the physical limit.
 */
function rateOfCap(acceptedAt: number[]): number | null {
	if (acceptedAt.length <= LIMIT) return null;
	const span = acceptedAt[acceptedAt.length - 1] - acceptedAt[0];
	return (acceptedAt.length - LIMIT) / span / (LIMIT / WINDOW_MS);
}

function idealRow(k: number): Row {
	const waits = Array.from({ length: N }, (_, i) => Math.floor(i / LIMIT) * WINDOW_MS);
	return {
		contender: 'ideal',
		k,
		n: N,
		wallMs: (Math.ceil(N / LIMIT) - 1) * WINDOW_MS,
		firstMs: 0,
		rateOfCap: 1,
		received429: 0,
		lost: 0,
		duplicated: 0,
		waitP50Ms: percentile(waits, 50),
		waitP95Ms: percentile(waits, 95),
	};
}

function parametersFor(contender: Contender) {
	if (contender === 'skip') {
		return {
			resource: 'message',
			operation: 'sendText',
			chatId: '={{ $json.name }}',
			message: 'Oferta de fim de ano',
			skipIfAlreadySent: true,
		};
	}
	const parameters: IDataObject = {
		resource: 'tag',
		operation: 'create',
		name: '={{ $json.name }}',
	};
	if (contender === 'batching') {
		parameters.requestOptions = {
			batching: { batch: { batchSize: 1, batchInterval: WINDOW_MS / LIMIT } },
		};
	}
	return parameters;
}

function credentialsFor(contender: Contender, apiKey: string) {
	return {
		apiKey,
		requestsPerWindow: contender === 'limiter' || contender === 'skip' ? LIMIT : 1_000_000_000,
		windowSeconds: WINDOW_MS / 1000,
	};
}

async function scenario(sandbox: Sandbox, contender: Contender, k: number): Promise<Row> {
	// A fresh key per scenario: a fresh limiter in the package and a fresh window in the sandbox.
	const apiKey = `bench-${contender}-${k}`;
	sandbox.options.apiKeys = [apiKey];
	sandbox.reset();
	const names: string[][] = Array.from({ length: k }, () => []);
	// Skip sends to distinct chats (one read each); the others name distinct tags.
	const nameOf = (i: number) =>
		contender === 'skip' ? `55219${String(i).padStart(8, '0')}@c.us` : `${contender}-${k}-${i}`;
	for (let i = 0; i < N; i++) names[i % k].push(nameOf(i));

	const start = Date.now();
	const results: RunResult[] = await Promise.all(
		names.map(
			async (batch) =>
				await runCronCrm(sandbox, {
					parameters: parametersFor(contender),
					items: batch.map((name) => ({ name })),
					credentials: credentialsFor(contender, apiKey),
					continueOnFail: true,
				}),
		),
	);
	const wallMs = Date.now() - start;

	const processed = new Map<string, number[]>();
	for (const mutation of sandbox.state.mutations) {
		const body = mutation.body as IDataObject;
		const name = String(contender === 'skip' ? body.chat_wid : body.name);
		processed.set(name, [...(processed.get(name) ?? []), mutation.at]);
	}
	const outputs = results.flatMap((r) => r.items);
	const failedItems = outputs.filter((item) => item.error).length;
	const lost = N - processed.size;
	if (failedItems !== lost || outputs.length !== N) {
		console.warn(
			`  ${contender} K=${k}: ${outputs.length} output items, ${failedItems} errors, ${lost} not processed`,
		);
	}
	const waits = [...processed.values()].map((times) => times[0] - start).sort((a, b) => a - b);
	const acceptedAt = sandbox.requests
		.filter((r) => r.status > 0 && r.status < 400)
		.map((r) => r.at)
		.sort((a, b) => a - b);
	return {
		contender,
		k,
		n: N,
		wallMs,
		firstMs: acceptedAt.length > 0 ? acceptedAt[0] - start : wallMs,
		rateOfCap: rateOfCap(acceptedAt),
		received429: sandbox.requests.filter((r) => r.status === 429).length,
		lost,
		duplicated: [...processed.values()].filter((times) => times.length > 1).length,
		waitP50Ms: percentile(waits, 50),
		waitP95Ms: percentile(waits, 95),
	};
}

/** One POST /tags/create with node's http module, as a bare client would send it. */
function barePost(sandbox: Sandbox, agent: Agent, apiKey: string, name: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const body = JSON.stringify({ name });
		const req = httpRequest(
			`${sandbox.url}/tags/create`,
			{
				method: 'POST',
				agent,
				headers: {
					apiKey,
					'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(body),
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

interface CostRow {
	path: string;
	requests: number;
	totalMs: number;
	perRequestMs: number;
}

async function costPerRequest(sandbox: Sandbox): Promise<CostRow[]> {
	const apiKey = 'bench-cost';
	sandbox.options.apiKeys = [apiKey];
	sandbox.options.rateLimit = { limit: 1_000_000_000, windowMs: 1000 };
	const rows: CostRow[] = [];
	const measure = async (path: string, requests: number, body: () => Promise<unknown>) => {
		sandbox.reset();
		const start = process.hrtime.bigint();
		await body();
		const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
		rows.push({ path, requests, totalMs, perRequestMs: totalMs / requests });
	};
	const names = Array.from({ length: COST_REQUESTS }, (_, i) => `cost-${i}`);
	const agent = new Agent({ keepAlive: false });

	// Warm up the engine and the sockets once, so neither section pays for first use.
	await runCronCrm(sandbox, {
		parameters: parametersFor('none'),
		items: names.slice(0, 20).map((name) => ({ name })),
		credentials: credentialsFor('none', apiKey),
	});

	await measure('bare HTTP, one request after another', COST_REQUESTS, async () => {
		for (const name of names) await barePost(sandbox, agent, apiKey, name);
	});
	await measure('bare HTTP, all requests at once', COST_REQUESTS, async () => {
		await Promise.all(names.map(async (name) => await barePost(sandbox, agent, apiKey, name)));
	});
	await measure('package via n8n engine, 1 execution of all items', COST_REQUESTS, async () => {
		const result = await runCronCrm(sandbox, {
			parameters: parametersFor('none'),
			items: names.map((name) => ({ name })),
			credentials: credentialsFor('none', apiKey),
		});
		if (result.error || sandbox.state.mutations.length !== COST_REQUESTS) {
			throw new Error(`cost run failed: ${result.error?.message}`);
		}
	});
	const executions = Math.min(200, COST_REQUESTS);
	await measure('package via n8n engine, 1 item per execution', executions, async () => {
		for (const name of names.slice(0, executions)) {
			await runCronCrm(sandbox, {
				parameters: parametersFor('none'),
				items: [{ name }],
				credentials: credentialsFor('none', apiKey),
			});
		}
	});
	// The limiter's own bookkeeping, without any HTTP.
	const limiter = new SlidingWindowLimiter(1_000_000_000, 1000);
	const acquisitions = 100_000;
	const start = process.hrtime.bigint();
	for (let i = 0; i < acquisitions; i++) (await limiter.acquire())();
	const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
	rows.push({
		path: 'limiter acquire + release alone',
		requests: acquisitions,
		totalMs,
		perRequestMs: totalMs / acquisitions,
	});
	return rows;
}

const fixed = (value: number | null, digits: number) =>
	value === null ? 'n/a' : value.toFixed(digits);

function printTable(rows: Row[]) {
	const header = [
		'contender',
		'K',
		'N',
		'wall s',
		'1st req s',
		'rate/cap',
		'429s',
		'lost',
		'dup',
		'p50 wait s',
		'p95 wait s',
	];
	const lines = rows.map((r) => [
		r.contender,
		String(r.k),
		String(r.n),
		fixed(r.wallMs / 1000, 2),
		fixed(r.firstMs / 1000, 2),
		fixed(r.rateOfCap, 3),
		String(r.received429),
		String(r.lost),
		String(r.duplicated),
		fixed(r.waitP50Ms === null ? null : r.waitP50Ms / 1000, 2),
		fixed(r.waitP95Ms === null ? null : r.waitP95Ms / 1000, 2),
	]);
	const out = [header, ...lines];
	const widths = header.map((_, c) => Math.max(...out.map((line) => line[c].length)));
	const format = (line: string[]) =>
		`| ${line.map((cell, c) => (c < 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
	console.log(format(header));
	console.log(
		`|${widths.map((w, c) => (c < 1 ? ':' : '') + '-'.repeat(w) + (c < 1 ? '-' : ':')).join('|')}|`,
	);
	for (const line of lines) console.log(format(line));
}

async function main() {
	const sandbox = await createSandbox({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS } });
	console.log(
		`Sandbox: sliding window of ${LIMIT} requests per ${WINDOW_MS} ms per API key. ${N} tag creations (POST) per scenario.\n`,
	);
	const rows: Row[] = [];
	for (const k of KS) {
		rows.push(idealRow(k));
		for (const contender of CONTENDERS) {
			process.stdout.write(`running ${contender}, K=${k}... `);
			const row = await scenario(sandbox, contender, k);
			console.log(`${(row.wallMs / 1000).toFixed(1)} s`);
			rows.push(row);
		}
	}
	console.log('\nmeasuring cost per request...');
	const cost = await costPerRequest(sandbox);
	await sandbox.close();
	shutdownEngine();

	console.log('');
	printTable(rows);
	console.log(
		'\n1st req: from the start of the run to the first request the sandbox accepted (n8n preparing the items).' +
			'\nrate/cap: accepted requests per window after the first window, over the cap (1.000 = physical limit).' +
			'\nwait: from the start of the run until the sandbox processed the item. lost: items never processed.' +
			' dup: items processed twice.\n',
	);
	for (const row of cost) {
		console.log(
			`${row.path.padEnd(52)} ${row.requests.toString().padStart(6)} requests  ${(row.perRequestMs * 1000).toFixed(1).padStart(8)} µs/request`,
		);
	}
	mkdirSync(dirname(OUT), { recursive: true });
	writeFileSync(
		OUT,
		`${JSON.stringify({ limit: LIMIT, windowMs: WINDOW_MS, n: N, at: new Date().toISOString(), node: process.version, rows, costPerRequest: cost }, null, 2)}\n`,
	);
	console.log(`\nwritten to ${OUT}`);
	process.exit(0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
