import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { dirname } from 'path';

import {
	ENDPOINTS_BY_ROUTE,
	routeKey,
	schemasFor,
	type Endpoint,
	type RouteRules,
} from './contract';
import { CONTROL_ROUTES, ROUTES } from './handlers';
import { fireArmedHooks } from './handlers/hooks';
import { emptyState, type SandboxState } from './state';

/** A request as the sandbox saw it; tests assert on these. The API key is never logged. */
export interface RecordedRequest {
	method: string;
	/** Raw path below /api/v2, trailing slash as sent. */
	path: string;
	route: string;
	query: Record<string, string>;
	body: Record<string, unknown>;
	/** Lower-cased header names, without apikey. */
	headers: Record<string, string>;
	status: number;
	at: number;
}

export interface HandlerContext {
	endpoint: Endpoint;
	query: Record<string, string>;
	body: Record<string, unknown>;
	headers: Record<string, string>;
	state: SandboxState;
	sandbox: Sandbox;
}

export interface HandlerResult {
	status?: number;
	body: unknown;
}

export type Handler = (ctx: HandlerContext) => HandlerResult | Promise<HandlerResult>;

/** One endpoint's rules (required fields, enums) and its stateful handler. */
export interface Route extends RouteRules {
	handle?: Handler;
}

export type RouteTable = Record<string, Route>;

/** A sandbox-only endpoint under /__sandbox/, for tests and the dev environment. */
export type ControlHandler = (
	sandbox: Sandbox,
	body: Record<string, unknown>,
	query: Record<string, string>,
) => HandlerResult | Promise<HandlerResult>;

/**
 * A fault the sandbox can inject into one request. `when: 'before'` fails without processing;
 * `when: 'after'` processes the request (the mutation happens) and then fails the reply, like a
 * proxy timing out on a server that did the work.
 */
export interface Fault {
	/** `slow`: answers normally after holdMs, like CRONCRM's groups/find with many groups. */
	kind: '429' | '500' | '502' | '503' | 'timeout' | 'reset' | 'html' | 'invalidJson' | 'slow';
	when?: 'before' | 'after';
	/** For 429: the Retry-After header in seconds, if any. */
	retryAfterSeconds?: number;
	/** For timeout: how long to hold the reply (ms). */
	holdMs?: number;
}

/** Decides the fault for the n-th API request (0-based), or none. */
export type FaultPlan = (request: {
	method: string;
	route: string;
	index: number;
}) => Fault | undefined;

export interface SandboxOptions {
	port?: number;
	host?: string;
	apiKeys?: string[];
	rateLimit?: { limit: number; windowMs: number };
	/** Send Retry-After with 429s (the real API's behaviour is unknown; both are tested). */
	retryAfter?: boolean;
	/**
	 * Keep the account in this JSON file: loaded at start if it exists, written after every
	 * change. So `npm run dev` finds its instances' slots (and the triggers' URLs) after a restart.
	 */
	stateFile?: string;
}

export interface Sandbox {
	/** Base URL to put in the credentials, e.g. http://127.0.0.1:5690/api/v2 */
	url: string;
	origin: string;
	port: number;
	state: SandboxState;
	requests: RecordedRequest[];
	/** Requests answered 429 by the rate limit (not by injected faults). */
	rejected: number;
	options: Required<Omit<SandboxOptions, 'port' | 'host' | 'stateFile'>>;
	faults?: FaultPlan;
	reset(): void;
	/**
	 * Resolves once no request is being handled. A request still held by a fault (or slowed by
	 * a busy machine) would otherwise finish after a reset and write into the next test's state.
	 */
	idle(): Promise<void>;
	/** Writes the state file now (options.stateFile), e.g. after changing state directly. */
	save(): void;
	close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'sandbox-key';

function send(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
) {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

async function readBody(req: IncomingMessage, maxBytes = 1_000_000): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > maxBytes) throw new Error('body too large');
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

function zodMessage(
	issues: Array<{ path: PropertyKey[]; message: string; code: string; keys?: string[] }>,
) {
	return issues
		.map((issue) =>
			issue.code === 'unrecognized_keys'
				? `unknown field ${issue.keys?.map((k) => `"${k}"`).join(', ')}`
				: `field "${issue.path.join('.')}": ${issue.message}`,
		)
		.join('; ');
}

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const sendTimes = new Map<string, number[]>();
	let apiRequestIndex = 0;
	let handling = 0;
	let whenIdle: Array<() => void> = [];

	const sandbox: Sandbox = {
		url: '',
		origin: '',
		port: 0,
		state: emptyState(),
		requests: [],
		rejected: 0,
		options: {
			apiKeys: options.apiKeys ?? [DEFAULT_API_KEY],
			rateLimit: options.rateLimit ?? { limit: 50, windowMs: 10_000 },
			retryAfter: options.retryAfter ?? true,
		},
		reset() {
			sandbox.state = emptyState();
			sandbox.requests = [];
			sandbox.rejected = 0;
			sandbox.faults = undefined;
			sendTimes.clear();
			apiRequestIndex = 0;
		},
		idle: async () => {
			if (handling > 0) await new Promise<void>((resolve) => whenIdle.push(resolve));
		},
		save: () => saveState(),
		close: async () =>
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};

	/** Sliding window per key, like CRONCRM's 50 per 10 s. Returns seconds to wait, or 0. */
	function rateLimited(apiKey: string, now: number): number {
		const { limit, windowMs } = sandbox.options.rateLimit;
		const times = (sendTimes.get(apiKey) ?? []).filter((t) => t > now - windowMs);
		sendTimes.set(apiKey, times);
		if (times.length >= limit) return (times[0] + windowMs - now) / 1000;
		times.push(now);
		return 0;
	}

	async function handle(req: IncomingMessage, res: ServerResponse) {
		const url = new URL(req.url ?? '/', 'http://sandbox');
		const query = Object.fromEntries(url.searchParams.entries());
		let rawBody: string;
		try {
			rawBody = await readBody(req);
		} catch {
			return send(res, 413, { success: false, msg: 'Request body too large' });
		}

		if (url.pathname.startsWith('/__sandbox/')) {
			const control =
				CONTROL_ROUTES[routeKey(req.method ?? 'GET', url.pathname.slice('/__sandbox'.length))];
			if (!control)
				return send(res, 404, { success: false, msg: `No sandbox control route ${url.pathname}` });
			let body: Record<string, unknown> = {};
			try {
				body = rawBody ? (JSON.parse(rawBody) as Record<string, unknown>) : {};
			} catch {
				return send(res, 400, { success: false, msg: 'Body is not JSON' });
			}
			const result = await control(sandbox, body, query);
			return send(res, result.status ?? 200, result.body);
		}

		const path = url.pathname.replace(/^\/api\/v2/, '');
		const route = routeKey(req.method ?? 'GET', path);
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(req.headers)) {
			if (name !== 'apikey' && typeof value === 'string') headers[name] = value;
		}
		const record: RecordedRequest = {
			method: req.method ?? 'GET',
			path,
			route,
			query,
			body: {},
			headers,
			status: 0,
			at: Date.now(),
		};
		const reply = (status: number, body: unknown, extraHeaders: Record<string, string> = {}) => {
			record.status = status;
			sandbox.requests.push(record);
			send(res, status, body, extraHeaders);
		};

		const apiKey = req.headers.apikey;
		if (typeof apiKey !== 'string' || !sandbox.options.apiKeys.includes(apiKey)) {
			return reply(401, { success: false, msg: 'Chave de API inválida. (invalid API key)' });
		}
		const waitSeconds = rateLimited(apiKey, Date.now());
		if (waitSeconds > 0) {
			sandbox.rejected++;
			const retryHeaders: Record<string, string> = sandbox.options.retryAfter
				? { 'Retry-After': String(Math.max(1, Math.ceil(waitSeconds))) }
				: {};
			return reply(
				429,
				{ success: false, msg: 'Limite de requests excedido. (too many requests)' },
				retryHeaders,
			);
		}

		const endpoint = ENDPOINTS_BY_ROUTE.get(route);
		if (!endpoint) return reply(404, { success: false, msg: `Unknown endpoint ${route}` });

		let body: Record<string, unknown> = {};
		if (rawBody.trim() !== '' && req.method !== 'GET') {
			try {
				const parsed: unknown = JSON.parse(rawBody);
				if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
					throw new Error('not an object');
				body = parsed as Record<string, unknown>;
			} catch {
				return reply(400, { success: false, msg: 'Body is not a JSON object' });
			}
		}
		record.body = body;

		const routeSpec = ROUTES[route] ?? {};
		const schemas = schemasFor(endpoint, routeSpec);
		for (const [part, schema, value] of [
			['query', schemas.query, query],
			['body', schemas.body, body],
		] as const) {
			const result = schema.safeParse(value);
			if (!result.success) {
				return reply(422, {
					success: false,
					msg: `Invalid ${part}: ${zodMessage(result.error.issues as never)}`,
				});
			}
		}

		let fault = sandbox.faults?.({ method: record.method, route, index: apiRequestIndex++ });
		if (fault?.kind === 'slow') {
			await new Promise((resolve) => setTimeout(resolve, fault!.holdMs ?? 5_000));
			fault = undefined;
		}
		if (fault && (fault.when ?? 'before') === 'before')
			return await injectFault(fault, res, record);

		const ctx: HandlerContext = { endpoint, query, body, headers, state: sandbox.state, sandbox };
		const result = routeSpec.handle
			? await routeSpec.handle(ctx)
			: { status: endpoint.exampleStatus, body: structuredClone(endpoint.exampleResponse) };
		const status = result.status ?? 200;
		if (req.method !== 'GET' && status < 400) {
			sandbox.state.mutations.push({ route, body, at: Date.now() });
			fireArmedHooks(sandbox);
		}
		if (fault) return await injectFault(fault, res, record);
		return reply(status, result.body);
	}

	async function injectFault(fault: Fault, res: ServerResponse, record: RecordedRequest) {
		record.status = -1;
		sandbox.requests.push(record);
		switch (fault.kind) {
			case '429':
				record.status = 429;
				return send(
					res,
					429,
					{ success: false, msg: 'Limite de requests excedido.' },
					fault.retryAfterSeconds !== undefined
						? { 'Retry-After': String(fault.retryAfterSeconds) }
						: {},
				);
			case '500':
			case '502':
			case '503':
				record.status = Number(fault.kind);
				return send(res, record.status, { success: false, msg: 'Erro interno.' });
			case 'html':
				record.status = 502;
				return send(res, 502, '<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>');
			case 'invalidJson':
				record.status = 200;
				res.writeHead(200, { 'Content-Type': 'application/json' });
				return res.end('{"success": true, "msg": "truncated');
			case 'reset':
				return res.socket?.destroy();
			case 'timeout':
				await new Promise((resolve) => setTimeout(resolve, fault.holdMs ?? 5_000));
				return res.socket?.destroy();
		}
	}

	const { stateFile } = options;
	if (stateFile && existsSync(stateFile)) {
		sandbox.state = {
			...emptyState(),
			...(JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<SandboxState>),
		};
	}
	/** Written whole, through a temporary file, so that a stop mid-write leaves the last state. */
	function saveState() {
		if (!stateFile) return;
		// On a fresh clone nothing has created the state file's folder yet (.cache/dev).
		mkdirSync(dirname(stateFile), { recursive: true });
		writeFileSync(`${stateFile}.tmp`, JSON.stringify(sandbox.state));
		renameSync(`${stateFile}.tmp`, stateFile);
	}

	const server: Server = createServer((req, res) => {
		handling++;
		handle(req, res)
			.catch((error: Error) => {
				if (!res.headersSent)
					send(res, 500, { success: false, msg: `Sandbox error: ${error.message}` });
			})
			.finally(() => {
				if (req.method !== 'GET') saveState();
				if (--handling > 0) return;
				const waiting = whenIdle;
				whenIdle = [];
				for (const resolve of waiting) resolve();
			});
	});
	await new Promise<void>((resolve) =>
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
	);
	const { port } = server.address() as AddressInfo;
	sandbox.port = port;
	sandbox.origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
	sandbox.url = `${sandbox.origin}/api/v2`;
	return sandbox;
}
