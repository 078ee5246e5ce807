import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteSingleFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { getLimiter, shareOfAllowance } from './rateLimiter';

/**
 * The one module that talks HTTP to CRONCRM. Every request of both nodes (each operation, each
 * page, each dropdown load, each webhook registration) goes through `croncrmRequest`, which:
 * 1. waits for a slot in the account's sliding-window limiter,
 * 2. sends with the credentials (the apiKey header is added by n8n from the credential type),
 * 3. retries only what is safe to retry, and
 * 4. turns every failure into an error that says what to do and never shows the API key.
 */

export const CREDENTIAL_NAME = 'cronCrmApi';
export const DEFAULT_BASE_URL = 'https://croncrm.com/api/v2';

export type CronCrmContext =
	| IExecuteFunctions
	| IExecuteSingleFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions;

export interface CronCrmCredentials {
	apiKey: string;
	baseUrl?: string;
	requestsPerWindow?: number;
	windowSeconds?: number;
	/** n8n processes sending with this key; each takes an equal share of the allowance. */
	sendingProcesses?: number;
}

/** How hard the transport tries before it gives up. */
export const RETRY_POLICY = {
	/** 429s: CRONCRM did not process the request, so every method may be re-sent. */
	rateLimitRetries: 6,
	/** Network errors, timeouts, 5xx, unreadable replies: only GETs are re-sent. */
	transientRetries: 3,
	backoffMs: 300,
};

/** How long one request may take (ms) unless the user sets a timeout under Request Options. */
export const TIMEOUTS = {
	defaultMs: 60_000,
	/** Endpoints the collection warns can be slow, such as groups/find with many groups. */
	slowMs: 300_000,
};

/**
 * Errors that prove the request never reached CRONCRM, so even a POST may be sent again.
 * A reset or a timeout proves nothing: the server may have processed the request already,
 * and a duplicate WhatsApp message is worse than an error.
 */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export function baseUrlOf(credentials: CronCrmCredentials): string {
	return (credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

export interface CronCrmRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, e.g. `/tags/find`. */
	url: string;
	qs?: IDataObject;
	body?: IDataObject;
	headers?: IDataObject;
	/** Extra options from n8n's "Request Options" (timeout, proxy...). */
	extra?: Partial<IHttpRequestOptions>;
	/** Fewer retries than RETRY_POLICY, for callers with a deadline (the trigger's reply). */
	retries?: { transient?: number; rateLimit?: number };
}

/** The node's CRONCRM credentials. */
export async function credentialsOf(
	ctx: Pick<CronCrmContext, 'getCredentials'>,
): Promise<CronCrmCredentials> {
	return (await ctx.getCredentials(CREDENTIAL_NAME)) as unknown as CronCrmCredentials;
}

/** The account's base URL and its shared limiter, from the node's credentials. */
async function accountOf(ctx: CronCrmContext) {
	const credentials = await credentialsOf(ctx);
	const baseURL = baseUrlOf(credentials);
	const allowance = Number(credentials.requestsPerWindow) || 50;
	const processes = Number(credentials.sendingProcesses) || 1;
	const limiter = getLimiter(
		baseURL,
		credentials.apiKey,
		shareOfAllowance(allowance, processes),
		(Number(credentials.windowSeconds) || 10) * 1000,
	);
	return { baseURL, limiter, allowance, processes, apiKey: String(credentials.apiKey ?? '') };
}

export const HIDDEN_KEY = '[hidden: the API key of these credentials]';

/**
 * CRONCRM echoes API keys in some replies (an instance's `api_key`). The key of the credentials
 * never leaves this module: wherever it appears in a reply, it is replaced before anyone sees it.
 */
export function hideApiKey<T>(value: T, apiKey: string): T {
	if (apiKey.length < 8) return value;
	if (typeof value === 'string') return value.split(apiKey).join(HIDDEN_KEY) as T;
	if (Array.isArray(value)) return value.map((entry) => hideApiKey(entry, apiKey)) as T;
	if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [key, hideApiKey(entry, apiKey)]),
		) as T;
	}
	return value;
}

/** Sends one request to CRONCRM and returns its JSON body, or throws a clear NodeApiError. */
export async function croncrmRequest(
	ctx: CronCrmContext,
	request: CronCrmRequest,
	itemIndex?: number,
): Promise<IDataObject> {
	const { baseURL, limiter, allowance, processes, apiKey } = await accountOf(ctx);
	const method = request.method.toUpperCase() as IHttpRequestMethods;
	const options: IHttpRequestOptions = {
		...request.extra,
		// After the spread: an extra without a timeout must not remove the default.
		timeout: request.extra?.timeout || TIMEOUTS.defaultMs,
		baseURL,
		url: request.url,
		method,
		qs: request.qs,
		body: method === 'GET' ? undefined : (request.body ?? {}),
		headers: { Accept: 'application/json', ...request.headers },
		json: true,
		returnFullResponse: true,
		// Statuses are judged here, not by n8n, so that 429 and 5xx can be retried.
		ignoreHttpStatusErrors: true,
	};
	const where = `${method} ${request.url}`;
	const node = ctx.getNode();
	let rateLimitRetries = 0;
	let transientRetries = 0;
	const maxTransient = request.retries?.transient ?? RETRY_POLICY.transientRetries;
	const maxRateLimit = request.retries?.rateLimit ?? RETRY_POLICY.rateLimitRetries;

	for (;;) {
		const release = await limiter.acquire();
		let response: IN8nHttpFullResponse;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_NAME, {
				...options,
				headers: { ...options.headers },
			})) as IN8nHttpFullResponse;
		} catch (error) {
			release();
			const blocked = ssrfBlockOf(error, baseURL);
			if (blocked) {
				// Not transient: the same settings refuse every retry, and nothing reached CRONCRM.
				throw new NodeApiError(
					node,
					{ ssrfProtection: 'blocked', host: blocked.host },
					{
						itemIndex,
						message: `n8n's SSRF protection blocked the request to CRONCRM at ${blocked.host} (${where})`,
						description: ssrfAdvice(blocked, 'this CRONCRM'),
					},
				);
			}
			const code = networkErrorCode(error);
			const safeToResend = method === 'GET' || (code !== undefined && NEVER_SENT_CODES.has(code));
			if (safeToResend && transientRetries < maxTransient) {
				await sleep(RETRY_POLICY.backoffMs * 2 ** transientRetries++);
				continue;
			}
			// The code stays out of `code` and of the message: n8n would swap the message for its
			// generic one ("...you can retry the request immediately"), wrong for a mutation.
			const neverSent = code !== undefined && NEVER_SENT_CODES.has(code);
			throw new NodeApiError(node, { networkError: code ?? 'unknown' } as JsonObject, {
				itemIndex,
				message: `${neverSent ? 'Could not connect to' : 'No reply from'} CRONCRM on ${where} (${describeNetworkError(code)})`,
				description: safeToResend
					? `Tried ${transientRetries + 1} times (${code ?? 'network error'}). Check the Base URL in the CRONCRM credentials and the network.`
					: `Not retried (${code ?? 'network error'}): CRONCRM may have processed this request already, and sending it again could duplicate it. Check in CRONCRM before re-running this item.`,
			});
		}

		// The slot counts from the end of the request: CRONCRM stamped it before its reply.
		release();
		const { statusCode, headers } = response;
		const body = hideApiKey(parseBody(response.body), apiKey);

		if (statusCode === 429) {
			// Everyone using this key waits: the server says the window is full.
			// Without Retry-After: until the oldest request we know of leaves the window.
			limiter.pauseUntil(
				retryAfterMs(headers) ??
					Math.min(limiter.nextFreeSlotAt(), Date.now() + limiter.windowMs + limiter.marginMs),
			);
			if (rateLimitRetries++ < maxRateLimit) continue;
			throw new NodeApiError(node, safeBody(body), {
				itemIndex,
				httpCode: '429',
				message: `CRONCRM rate limit: still rejected after ${maxRateLimit} retries on ${where}`,
				description: `The credentials allow ${allowance} requests per ${limiter.windowMs / 1000} s with this key, shared by ${processes} n8n process${processes === 1 ? '' : 'es'} (${limiter.limit} each). Another client seems to be using this key: set "n8n Processes Sending With This Key" in the credentials to every n8n process (workers included) that sends with it, and lower "Requests per Window" by what other clients use.`,
			});
		}

		const transient = statusCode >= 500 || (body === undefined && statusCode < 400);
		if (transient && method === 'GET' && transientRetries < maxTransient) {
			await sleep(RETRY_POLICY.backoffMs * 2 ** transientRetries++);
			continue;
		}

		if (statusCode === 401 || statusCode === 403) {
			throw new NodeApiError(node, safeBody(body), {
				itemIndex,
				httpCode: String(statusCode),
				message: `CRONCRM refused the API key (HTTP ${statusCode})`,
				description: `Check the API key in the CRONCRM credentials. CRONCRM said: ${apiMessage(body) ?? 'no message'}`,
			});
		}
		if (body === undefined) {
			throw new NodeApiError(node, { statusCode } as JsonObject, {
				itemIndex,
				httpCode: String(statusCode),
				message: `CRONCRM sent a reply that is not JSON (HTTP ${statusCode}) on ${where}`,
				description: `Reply began with: ${textPreview(hideApiKey(rawText(response.body), apiKey))}${
					method === 'GET' ? '' : '. Not retried: CRONCRM may have processed this request.'
				}`,
			});
		}
		if (statusCode >= 400 || body.success === false) {
			throw new NodeApiError(node, safeBody(body), {
				itemIndex,
				httpCode: String(statusCode),
				message: `CRONCRM: ${apiMessage(body) ?? `request failed with HTTP ${statusCode}`}`,
				description: `${where} answered HTTP ${statusCode}${
					statusCode >= 500 && method !== 'GET'
						? '. Not retried: CRONCRM may have processed this request already.'
						: ''
				}`,
			});
		}
		return body;
	}
}

function parseBody(raw: unknown): IDataObject | undefined {
	if (raw && typeof raw === 'object' && !Buffer.isBuffer(raw)) return raw as IDataObject;
	const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
	try {
		const parsed: unknown = JSON.parse(text);
		return parsed && typeof parsed === 'object' ? (parsed as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

function apiMessage(body: IDataObject | undefined): string | undefined {
	const msg = body?.msg ?? body?.message;
	return typeof msg === 'string' && msg.length > 0 ? msg : undefined;
}

/** Only CRONCRM's own reply goes into errors: never request options, which hold the key. */
function safeBody(body: IDataObject | undefined): JsonObject {
	return (body ?? {}) as JsonObject;
}

function rawText(raw: unknown): string {
	return Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw ?? '');
}

function textPreview(text: string): string {
	return (
		text
			.replace(/<[^>]*>/g, ' ')
			.replace(/\s+/g, ' ')
			.trim()
			.slice(0, 120) || '(empty)'
	);
}

function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = headers?.['retry-after'];
	if (value === undefined || value === null || value === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Date.now() + Math.max(0, seconds) * 1000;
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : date;
}

function describeNetworkError(code: string | undefined): string {
	const phrases: Record<string, string> = {
		ECONNREFUSED: 'connection refused',
		ECONNRESET: 'connection closed before the reply',
		ETIMEDOUT: 'timed out waiting for the reply',
		ENOTFOUND: 'host not found',
		EAI_AGAIN: 'host name lookup failed',
	};
	return (code && phrases[code]) ?? 'network error';
}

/** Finds the socket error code (ECONNRESET, ETIMEDOUT...) wherever n8n's wrapping put it. */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const candidate = current as {
			code?: unknown;
			cause?: unknown;
			name?: string;
		};
		// axios reports its own timeout as ECONNABORTED; to the user it is a timeout.
		if (candidate.code === 'ECONNABORTED' || candidate.name === 'TimeoutError') return 'ETIMEDOUT';
		if (typeof candidate.code === 'string' && /^E[A-Z_]+$/.test(candidate.code))
			return candidate.code;
		current = candidate.cause;
	}
	return undefined;
}

/** A request n8n's SSRF protection refused before sending it. */
export interface SsrfBlock {
	/** The host of the refused URL, as written in it. */
	host: string;
	/** The restricted address the host is or resolved to; absent when the name itself is denied. */
	ip?: string;
}

/**
 * Finds n8n's SSRF refusal wherever n8n's wrapping put it. n8n 2.x (N8N_SSRF_PROTECTION_ENABLED)
 * throws SsrfBlockedIpError (with `ip`) for an address in its blocked ranges, and
 * SsrfBlockedHostnameError for a name in N8N_SSRF_BLOCKED_HOSTNAMES, both as a request's cause.
 * n8n 1.x has no SSRF protection, so this never matches there.
 */
export function ssrfBlockOf(error: unknown, url: string): SsrfBlock | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { name?: unknown; ip?: unknown; cause?: unknown };
		if (candidate.name === 'SsrfBlockedIpError' || candidate.name === 'SsrfBlockedHostnameError') {
			const host = URL.canParse(url) ? new URL(url).hostname.replace(/^\[|\]$/g, '') : url;
			const ip = candidate.name === 'SsrfBlockedIpError' ? candidate.ip : undefined;
			return { host, ip: typeof ip === 'string' && ip ? ip : undefined };
		}
		current = candidate.cause;
	}
	return undefined;
}

function isIpLiteral(host: string): boolean {
	return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** Which of n8n's settings lets it reach a blocked host, e.g. N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.1/32. */
export function ssrfAllowance({ host, ip }: SsrfBlock): string {
	const range = (address: string) => `${address}/${address.includes(':') ? 128 : 32}`;
	if (isIpLiteral(host)) return `N8N_SSRF_ALLOWED_IP_RANGES=${range(host)}`;
	const byName = `N8N_SSRF_ALLOWED_HOSTNAMES=${host}`;
	return ip ? `${byName} (or N8N_SSRF_ALLOWED_IP_RANGES=${range(ip)})` : byName;
}

function ssrfAdvice(block: SsrfBlock, what: string): string {
	const why = block.ip
		? `${block.ip === block.host ? block.host : `${block.host} resolves to ${block.ip}, which`} is in its blocked IP ranges (private and loopback networks by default)`
		: `${block.host} is in its blocked host names (N8N_SSRF_BLOCKED_HOSTNAMES)`;
	return `n8n runs with SSRF protection on (N8N_SSRF_PROTECTION_ENABLED=true), and ${why}. If you trust ${what}, allow it in the environment of every n8n process (main, workers, webhook processors) and restart n8n: ${ssrfAllowance(block)}. Separate several entries with commas. Not retried: n8n refuses every attempt until it is allowed, and nothing was sent.`;
}

export interface DownloadOptions {
	/** How long one attempt may take (ms). */
	timeoutMs?: number;
	/** Further attempts after a network error or a 5xx. */
	retries?: number;
}

/**
 * Downloads a file CRONCRM pointed to (a message's file, a profile picture). It takes a slot in
 * the limiter like any request, but goes without credentials: the file may live on another
 * host, which must never see the API key.
 */
export async function croncrmDownload(
	ctx: CronCrmContext,
	url: string,
	itemIndex?: number,
	{ timeoutMs = 120_000, retries = RETRY_POLICY.transientRetries }: DownloadOptions = {},
): Promise<{ data: Buffer; mimeType?: string }> {
	const { limiter } = await accountOf(ctx);
	for (let attempt = 0; ; attempt++) {
		const release = await limiter.acquire();
		let failure: string;
		let retryable: boolean;
		try {
			const response = (await ctx.helpers.httpRequest({
				url,
				method: 'GET',
				encoding: 'arraybuffer',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: timeoutMs,
			})) as IN8nHttpFullResponse;
			release();
			if (response.statusCode < 400) {
				const contentType = (response.headers as IDataObject)?.['content-type'];
				return {
					data: Buffer.from(response.body as ArrayBuffer),
					mimeType: typeof contentType === 'string' ? contentType.split(';')[0] : undefined,
				};
			}
			failure = `HTTP ${response.statusCode}`;
			// A missing or forbidden file stays so: only server trouble is worth another try.
			retryable = response.statusCode >= 500;
		} catch (error) {
			release();
			const blocked = ssrfBlockOf(error, url);
			if (blocked) {
				throw new NodeApiError(
					ctx.getNode(),
					{ ssrfProtection: 'blocked', host: blocked.host },
					{
						itemIndex,
						message: `n8n's SSRF protection blocked the download of the file CRONCRM pointed to at ${blocked.host}`,
						description: `${ssrfAdvice(blocked, 'this file host')} File: ${url}`,
					},
				);
			}
			const code = networkErrorCode(error);
			failure = code ? describeNetworkError(code) : (error as Error).message;
			retryable = true;
		}
		if (retryable && attempt < retries) {
			await sleep(RETRY_POLICY.backoffMs * 2 ** attempt);
			continue;
		}
		throw new NodeApiError(ctx.getNode(), { url } as JsonObject, {
			itemIndex,
			message: `Could not download the file CRONCRM pointed to (${failure})`,
			description: url,
		});
	}
}
