import { readFileSync } from 'fs';
import { join } from 'path';
import { z } from 'zod';

/**
 * The CRONCRM API contract, read from CRONCRM's Postman collection, kept beside it. The sandbox
 * serves every endpoint found here, validates requests against schemas derived from it, and
 * answers with its example responses unless a stateful handler takes over.
 */

export const COLLECTION_PATH = join(__dirname, 'croncrm-v2.postman_collection.json');

export interface Endpoint {
	/** Postman folder path, e.g. "Funis/Steps". */
	folder: string;
	name: string;
	method: string;
	/** Path below /api/v2 exactly as the collection spells it, trailing slash included. */
	path: string;
	/** Body fields of the request template, with their example values. */
	bodyTemplate: Record<string, unknown>;
	/** Query parameters of the request template. */
	queryKeys: string[];
	/** Headers of the request template (toTransmit...). */
	headerKeys: string[];
	/** The first saved example response. */
	exampleStatus: number;
	exampleResponse: Record<string, unknown>;
	/** Every body of the saved examples' requests, for the contradictions they reveal. */
	exampleRequestBodies: Array<Record<string, unknown>>;
	description: string;
}

/** The collection's JSON carries `//- comments`; URLs keep their `//` (a colon precedes it). */
export function parseCommentedJson(text: string): Record<string, unknown> {
	if (!text || !text.trim()) return {};
	return JSON.parse(text.replace(/(?<![:"/])\/\/.*$/gm, '')) as Record<string, unknown>;
}

interface PostmanItem {
	name: string;
	item?: PostmanItem[];
	request?: {
		method: string;
		url: { raw: string; path?: string[] } | string;
		header?: Array<{ key: string }>;
		body?: { mode?: string; raw?: string };
		description?: string;
	};
	response?: Array<{
		code?: number;
		body?: string;
		originalRequest?: { body?: { raw?: string } };
	}>;
}

function loadEndpoints(): Endpoint[] {
	const collection = JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as { item: PostmanItem[] };
	const endpoints: Endpoint[] = [];
	const walk = (items: PostmanItem[], folder: string) => {
		for (const item of items) {
			if (item.item) {
				walk(item.item, folder ? `${folder}/${item.name}` : item.name);
				continue;
			}
			const request = item.request!;
			const raw = typeof request.url === 'string' ? request.url : request.url.raw;
			const url = new URL(raw);
			const path = url.pathname.replace(/^\/api\/v2/, '');
			const example = item.response?.[0];
			endpoints.push({
				folder,
				name: item.name,
				method: request.method,
				path,
				bodyTemplate: request.body?.raw ? parseCommentedJson(request.body.raw) : {},
				queryKeys: [...url.searchParams.keys()],
				headerKeys: (request.header ?? []).map((h) => h.key),
				exampleStatus: example?.code ?? 200,
				exampleResponse: example?.body ? parseCommentedJson(example.body) : { success: true },
				exampleRequestBodies: (item.response ?? [])
					.map((r) => r.originalRequest?.body?.raw)
					.filter((b): b is string => !!b)
					.map(parseCommentedJson),
				description: request.description ?? '',
			});
		}
	};
	walk(collection.item, '');
	return endpoints;
}

export const ENDPOINTS: Endpoint[] = loadEndpoints();

/** Paths are matched without their trailing slash; the request log keeps the raw path. */
export function routeKey(method: string, path: string): string {
	return `${method.toUpperCase()} ${path.replace(/\/+$/, '')}`;
}

export const ENDPOINTS_BY_ROUTE = new Map(ENDPOINTS.map((e) => [routeKey(e.method, e.path), e]));

/**
 * Where the collection contradicts itself or leaves a field out, the sandbox accepts what the
 * node deliberately sends (see the node's comments), on top of the template's fields.
 */
const EXTRA_FIELDS: Record<string, { body?: string[]; query?: string[] }> = {
	// Description and saved example say message_access_token; the template says access_token.
	// The node sends both spellings; either alone is accepted.
	'DELETE /messages/delete': { body: ['message_access_token'] },
	// Description and example spell the flag in camelCase, the template in snake_case; the node
	// sends both. The example also sends send_by_account.
	'POST /chats/finish-api': { body: ['requestEvaluationIfAvailable', 'send_by_account'] },
};

/** What the sandbox knows of one endpoint beyond the template: its rules and its state. */
export interface RouteRules {
	/** Fields without which CRONCRM cannot do anything with the request. */
	required?: string[];
	/** Values limited to a set of words in the API's documentation. */
	enums?: Record<string, string[]>;
}

function fieldSchema(example: unknown): z.ZodTypeAny {
	if (typeof example === 'boolean') return z.boolean();
	// The collection writes numbers as strings ("size": "47"); both forms are accepted.
	return z.union([z.string(), z.number()]);
}

export interface RequestSchemas {
	body: z.ZodTypeAny;
	query: z.ZodTypeAny;
}

/** Strict schemas: a field the collection does not know is refused, naming the field. */
export function schemasFor(endpoint: Endpoint, rules: RouteRules = {}): RequestSchemas {
	const key = routeKey(endpoint.method, endpoint.path);
	const required = new Set(rules.required ?? []);
	const enums = rules.enums ?? {};
	const build = (names: Record<string, unknown>) => {
		const shape: Record<string, z.ZodTypeAny> = {};
		for (const [name, example] of Object.entries(names)) {
			const base = enums[name]
				? z.enum(enums[name] as [string, ...string[]])
				: fieldSchema(example);
			shape[name] = required.has(name)
				? base.refine((value) => value !== '', { message: `${name} is required` })
				: base.optional();
		}
		return z.object(shape).strict();
	};
	const bodyFields: Record<string, unknown> = { ...endpoint.bodyTemplate };
	// An extra field takes its type from the saved example that sends it (a boolean stays boolean).
	for (const name of EXTRA_FIELDS[key]?.body ?? [])
		bodyFields[name] ??= endpoint.exampleRequestBodies.find((b) => name in b)?.[name] ?? '';
	const queryFields: Record<string, unknown> = {};
	for (const name of [...endpoint.queryKeys, ...(EXTRA_FIELDS[key]?.query ?? [])])
		queryFields[name] = '';
	// Every search answers with page/pages/limit/count, so every search takes `page`.
	if ('page' in endpoint.exampleResponse || endpoint.queryKeys.includes('page'))
		queryFields.page = '';
	return { body: build(bodyFields), query: build(queryFields) };
}
