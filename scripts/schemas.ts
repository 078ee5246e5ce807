/**
 * Output schemas (JSON Schema) for every operation of the CRONCRM node and for the trigger, where
 * n8n's loader looks for them: `__schema__/v<version>/<resource>/<operation>.json` beside a node's
 * file, and `__schema__/v<version>/output.json` for a trigger. n8n's editor shows these fields
 * before a node has run (so they can be mapped), and AI agents learn the shape of a tool's result.
 *
 * Derived from the collection's saved example replies (their `//-` comments become English
 * descriptions) and from the node's own output shaping: a search outputs one item per record, a
 * download adds a binary property, a reply with `success: false` is an error, not an item.
 *
 * `npx tsx scripts/schemas.ts --write` regenerates the committed files; test/schemas.test.ts fails
 * when they drift, and every engine test checks its output against them (test/helpers/schemas.ts).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, relative } from 'path';

import { CronCrm } from '../nodes/CronCrm/CronCrm.node';
import { RESOURCES } from '../nodes/CronCrm/resources';
import type { OperationSpec } from '../nodes/CronCrm/shared/operation';
import { WEBHOOK_SLOTS } from '../nodes/CronCrm/shared/webhookSlots';
import { CronCrmTrigger } from '../nodes/CronCrmTrigger/CronCrmTrigger.node';
import { COLLECTION_PATH, parseCommentedJson, routeKey } from '../sandbox/contract';

export const ROOT = join(__dirname, '..');

/** The subset of JSON Schema these files use. */
export interface JsonSchema {
	type?: JsonType | JsonType[];
	description?: string;
	format?: string;
	enum?: Array<string | number>;
	properties?: Record<string, JsonSchema>;
	required?: string[];
	additionalProperties?: boolean;
	items?: JsonSchema;
}
type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';
/** typesByField notes "" apart: an empty string is CRONCRM's other way to write "no value". */
type SeenType = JsonType | 'empty';

/**
 * English for the collection's `//-` comments, by field name. The script stops when the
 * collection comments a field that is missing here, so no Portuguese reaches users unexplained.
 */
const COMMENTED_FIELDS: Record<string, string> = {
	customer_service_status_id:
		'Customer service ("atendimento") status: 1 in service, 2 waiting for an agent, 3 chatbot, 4 finished, 5 API',
	message_forwarded: 'Whether the message was forwarded',
	message_reply: 'Whether the message replies to another message',
	message_type:
		'Message type: chat (text), document, image, video, audio, sticker, location, vcard (contact), multi_vcard (contact list), reaction, ptt (recorded voice), revoked (deleted), link, ciphertext (encrypted), ptv (video note), order (payment)',
	message_ack:
		'Delivery state ("ack"): 100 sending cancelled, -1 failed, 0 waiting, 1 on WhatsApp\'s server, 2 delivered, 3 read (depends on privacy settings), 4 played',
	source: 'Origin: "in" = sent by this account, "out" = received',
	shipping_status:
		"CRONCRM's sending status: queued, sent, received, cancelled, failed (retried every 5 minutes)",
	shipping_attempts: 'How many times CRONCRM tried to send the message',
	shipping_msg: 'What the sending attempt returned',
	customer_service_start: 'Date and time the contact asked for service',
	customer_service_initiated_by:
		'Who started the service: 1 the contact, 2 a user, 3 the API, 4 a task, 5 a funnel',
	customer_service_account: 'User in charge of the service',
	customer_service_department: 'Department in charge of the service',
	customer_service_dedicated_account: 'User dedicated to this service',
	customer_service_tried_request: 'Whether the contact asked for service while it was closed',
	customer_service_start_chatbot_and_not_tried_request:
		'Whether the contact entered the chatbot without asking for service',
	customer_service_transfer_to_account: 'User the service was transferred to',
	customer_service_transfer_from_account:
		'User who had the service before it was transferred to another user or department',
	last_message_source: 'Origin of the last message: "in" = sent by this account, "out" = received',
	last_message_type: 'Type of the last message (see message_type)',
	last_message_ack: 'Delivery state of the last message (see message_ack)',
	role: "User's role: 0 attendant, 1 administrator, 2 supervisor, 3 seller",
	status: '200 when the number has WhatsApp, 404 when it has not',
	wid: "WhatsApp id: <number>@c.us is a person, @lid (or @jid) is WhatsApp's private id for a person, @g.us is a group",
};

/** Fields every CRONCRM reply has. */
const REPLY_FIELDS: Record<string, string> = {
	success:
		"Always true here: a reply with success false stops the item with CRONCRM's msg as the error",
	msg: "CRONCRM's message about the outcome (in Portuguese)",
};

interface Example {
	body: Record<string, unknown>;
	comments: Record<string, string>;
}

interface PostmanItem {
	name: string;
	item?: PostmanItem[];
	request?: { method: string; url: { raw: string } | string };
	response?: Array<{ body?: string }>;
}

/** The saved example replies of each endpoint, with the comments on their fields. */
function loadExamples(): Map<string, Example[]> {
	const collection = JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as { item: PostmanItem[] };
	const examples = new Map<string, Example[]>();
	const walk = (items: PostmanItem[]) => {
		for (const item of items) {
			if (item.item) {
				walk(item.item);
				continue;
			}
			const raw = typeof item.request!.url === 'string' ? item.request!.url : item.request!.url.raw;
			const path = new URL(raw).pathname.replace(/^\/api\/v2/, '');
			const saved = (item.response ?? [])
				.filter((response) => response.body?.trim())
				.map((response) => ({
					body: parseCommentedJson(response.body!),
					comments: commentsOf(response.body!),
				}))
				// Only successes become items; a failure is an error.
				.filter((example) => example.body.success !== false);
			examples.set(routeKey(item.request!.method, path), saved);
		}
	};
	walk(collection.item);
	return examples;
}

function commentsOf(body: string): Record<string, string> {
	const comments: Record<string, string> = {};
	for (const [, field] of body.matchAll(/"(\w+)"\s*:[^\n]*?\/\/-/g)) {
		if (!(field in COMMENTED_FIELDS)) {
			throw new Error(
				`The collection comments "${field}": add its English description to COMMENTED_FIELDS in scripts/schemas.ts`,
			);
		}
		comments[field] = COMMENTED_FIELDS[field];
	}
	return comments;
}

/** Field name → the types its values take anywhere in the collection's examples. */
function typesByField(examples: Example[]): Map<string, Set<SeenType>> {
	const types = new Map<string, Set<SeenType>>();
	const visit = (value: unknown) => {
		if (Array.isArray(value)) value.forEach(visit);
		else if (value && typeof value === 'object') {
			for (const [key, field] of Object.entries(value)) {
				if (!types.has(key)) types.set(key, new Set());
				types.get(key)!.add(field === '' ? 'empty' : typeOf(field));
				visit(field);
			}
		}
	};
	examples.forEach((example) => visit(example.body));
	return types;
}

function typeOf(value: unknown): JsonType {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value as JsonType;
}

/**
 * Records whose fields depend on their kind: a message's fields depend on its type (file,
 * location, contact card, forward...), and each example shows one type. Wherever a reply holds
 * one, its schema lists the fields of every such record in the collection; only the fields they
 * all have are required.
 */
const VARIED_RECORDS = ['message'];

function recordsNamed(examples: Example[], name: string): Record<string, unknown>[] {
	const found: Record<string, unknown>[] = [];
	const visit = (value: unknown) => {
		if (Array.isArray(value)) value.forEach(visit);
		else if (value && typeof value === 'object') {
			for (const [key, field] of Object.entries(value)) {
				if (key === name && typeOf(field) === 'object')
					found.push(field as Record<string, unknown>);
				visit(field);
			}
		}
	};
	examples.forEach((example) => visit(example.body));
	return found;
}

class SchemaBuilder {
	constructor(
		private readonly knownTypes: Map<string, Set<SeenType>>,
		private readonly comments: Record<string, string>,
		private readonly variedRecords: Map<string, Record<string, unknown>[]>,
	) {}

	/** The schema of values seen for one field (several when records of a list are merged). */
	of(values: unknown[], field?: string): JsonSchema {
		const seen = (field && this.knownTypes.get(field)) || new Set<SeenType>();
		const types = new Set(values.map(typeOf));
		const schema: JsonSchema = {};
		const description = field ? this.comments[field] : undefined;
		if (types.size === 1 && types.has('null')) {
			// Always null in the examples: its type is not documented, so any value is accepted.
			schema.description = description ?? "Null in CRONCRM's examples; its type is not documented";
			return schema;
		}
		// CRONCRM writes "no value" as null or "" depending on the endpoint: a field the collection
		// shows empty somewhere may be empty anywhere.
		if (seen.has('null')) types.add('null');
		if (seen.has('empty')) types.add('string');
		const sorted = [...types].sort();
		schema.type = sorted.length === 1 ? sorted[0] : sorted;
		if (description) schema.description = description;
		if (types.has('object')) {
			Object.assign(
				schema,
				this.object(values.filter((v) => typeOf(v) === 'object') as Record<string, unknown>[]),
			);
		}
		if (types.has('array')) {
			const elements = (values.filter(Array.isArray) as unknown[][]).flat();
			if (elements.length) schema.items = this.of(elements);
		}
		return schema;
	}

	/** Properties seen in any of the objects; required are those all of them have. */
	object(objects: Record<string, unknown>[]): JsonSchema {
		const keys = [...new Set(objects.flatMap(Object.keys))];
		const properties: Record<string, JsonSchema> = {};
		for (const key of keys) {
			const values = objects.filter((o) => key in o).map((o) => o[key]);
			const varied = this.variedRecords.get(key);
			properties[key] =
				varied && values.every((value) => typeOf(value) === 'object')
					? this.of(varied, key)
					: this.of(values, key);
		}
		return {
			properties,
			required: keys.filter((key) => objects.every((o) => key in o)),
		};
	}
}

/** success and msg at the top of a reply (nested ones, as in groups/change, mean other things). */
function describeReplyFields(schema: JsonSchema) {
	for (const [field, description] of Object.entries(REPLY_FIELDS)) {
		if (schema.properties?.[field]) schema.properties[field].description = description;
	}
}

function padVersion(version: number): string {
	return String(version).split('.').concat(['0', '0']).slice(0, 3).join('.');
}

/** The schema of one operation's output items. */
export function operationSchema(
	spec: OperationSpec,
	examples: Example[],
	knownTypes: Map<string, Set<SeenType>>,
	variedRecords: Map<string, Record<string, unknown>[]>,
): JsonSchema {
	const comments = Object.assign({}, ...examples.map((e) => e.comments)) as Record<string, string>;
	const builder = new SchemaBuilder(knownTypes, comments, variedRecords);
	const bodies = examples.map((e) => e.body);

	if (spec.pagedRecords) {
		const records = bodies.flatMap((body) => {
			const list = body[spec.pagedRecords!];
			if (!Array.isArray(list)) {
				throw new Error(`${spec.path}: the example reply has no "${spec.pagedRecords}" list`);
			}
			return list as unknown[];
		});
		// A list of bare ids (blocked contacts) becomes one { wid } item per id (shared/execute.ts).
		const shaped = records.map((record) =>
			record && typeof record === 'object' ? record : { wid: String(record) },
		);
		return {
			type: 'object',
			description: `One item per record of ${spec.path.slice(1)}: the node reads every page (Return All) or up to the Limit`,
			...builder.object(shaped as Record<string, unknown>[]),
		};
	}

	if (!bodies.length) {
		const schema: JsonSchema = {
			type: 'object',
			description: `CRONCRM's documentation saves no example reply for ${spec.path.slice(1)}; it answers success and msg like every endpoint, and may add other fields`,
			properties: { success: { type: 'boolean' }, msg: { type: 'string' } },
			required: ['success', 'msg'],
			additionalProperties: true,
		};
		describeReplyFields(schema);
		return schema;
	}

	const schema: JsonSchema = { type: 'object', ...builder.object(bodies) };
	describeReplyFields(schema);
	if (spec.partialFailures) {
		// Added by the node (shared/execute.ts), only when CRONCRM reported a part as failed.
		schema.properties = {
			...schema.properties,
			partialFailures: {
				type: 'array',
				items: { type: 'string' },
				description:
					'What CRONCRM reported as not done, one sentence each; only present then (Fail on Partial Failure fails the item instead)',
			},
		};
	}
	if (spec.alreadySent) {
		// Skip If Already Sent (shared/alreadySent.ts): a skipped item is the earlier message's
		// messages/find record, without CRONCRM's msg.
		schema.properties = {
			...schema.properties,
			skipped: {
				type: 'boolean',
				description:
					'Only with Skip If Already Sent, when the chat already got the same content: true, and chat and message are the earlier message (nothing was sent)',
			},
			skipReason: {
				type: 'string',
				description:
					'Why the item was skipped: when the earlier message was sent, and its shipping status',
			},
		};
		schema.required = schema.required?.filter((field) => field !== 'msg');
	}
	if (spec.upsert) {
		// Added by the node (shared/execute.ts): which of the two requests it made.
		schema.description = `CRONCRM's reply to ${spec.upsert.updatePath.slice(1)} when a ${spec.upsert.record} matched, else to ${spec.path.slice(1)}`;
		schema.properties = {
			...schema.properties,
			upsertAction: {
				type: 'string',
				enum: ['created', 'updated'],
				description: `Whether a ${spec.upsert.record} was created or an existing one updated`,
			},
		};
		schema.required = [...(schema.required ?? []), 'upsertAction'];
	}
	if (spec.download) {
		schema.description = `CRONCRM's reply. With Download File on, the item also carries the file at ${spec.download.urlPath} as binary data in the field named by Put Output File in Field ("data" by default)`;
	}
	return schema;
}

/** The trigger's output: the fields it normalizes (nodes/CronCrmTrigger/payload.ts) and the body. */
function triggerSchema(
	messageRecord: Record<string, unknown>,
	knownTypes: Map<string, Set<SeenType>>,
	variedRecords: Map<string, Record<string, unknown>[]>,
): JsonSchema {
	const nullableString = (description: string): JsonSchema => ({
		type: ['string', 'null'],
		description,
	});
	const builder = new SchemaBuilder(knownTypes, COMMENTED_FIELDS, variedRecords);
	return {
		type: 'object',
		description:
			'One item per CRONCRM webhook event. With Download Media on, a received file is also in the binary field named by Put Media in Field',
		properties: {
			event: {
				type: 'string',
				description: 'The hook CRONCRM sent, e.g. onReceived, onAck',
				enum: WEBHOOK_SLOTS.flatMap((slot) => slot.hooks),
			},
			chat_wid: nullableString("The chat's WhatsApp id, when the event is about a chat"),
			text: nullableString('Text of the message (message hooks only)'),
			message_type: nullableString(COMMENTED_FIELDS.message_type),
			ack: { type: ['number', 'null'], description: COMMENTED_FIELDS.message_ack },
			message_access_token: nullableString(
				"CRONCRM's id of the message (message hooks only): use it to reply, forward or get its file",
			),
			incoming_call_id: nullableString(
				"The call's id (Incoming Call only): what Chat → Reject Incoming Call takes",
			),
			timestamp: {
				type: 'string',
				format: 'date-time',
				description:
					'When it happened (the message time), else when the event arrived, in ISO 8601',
			},
			contact: {
				type: ['object', 'null'],
				description:
					'Who the chat is, the same way for every kind of WhatsApp id; null for events without a chat',
				properties: {
					chat_id: {
						type: 'string',
						description: "The chat's WhatsApp id (…@s.whatsapp.net written as …@c.us)",
					},
					phone: nullableString(
						'The phone number in digits when the id is phone-based (…@c.us); null for privacy ids and groups',
					),
					lid: nullableString(
						"WhatsApp's privacy id (…@lid or …@jid) when the number is hidden; else null",
					),
					is_group: { type: 'boolean', description: 'Whether the chat is a group (…@g.us)' },
				},
				required: ['chat_id', 'phone', 'lid', 'is_group'],
			},
			payload: {
				type: 'object',
				description:
					'The body exactly as CRONCRM sent it. For message hooks it is assumed to carry a messages/find record (chat and message), as shown',
				properties: {
					hook: { type: 'string', description: 'The hook name' },
					...builder.object([messageRecord]).properties,
				},
				required: ['hook'],
				additionalProperties: true,
			},
			media_error: {
				type: 'string',
				description: 'Why Download Media got no file (only then present)',
			},
			service_status_error: {
				type: 'string',
				description:
					"Why Ignore Chats Handled by a Person could not read the chat's status; the event started the workflow anyway (only then present)",
			},
		},
		required: [
			'event',
			'chat_wid',
			'text',
			'message_type',
			'ack',
			'message_access_token',
			'incoming_call_id',
			'timestamp',
			'contact',
			'payload',
		],
	};
}

export const NODE_SCHEMA_DIR = join(
	ROOT,
	'nodes',
	'CronCrm',
	'__schema__',
	`v${padVersion(new CronCrm().description.version as number)}`,
);
export const TRIGGER_SCHEMA_DIR = join(
	ROOT,
	'nodes',
	'CronCrmTrigger',
	'__schema__',
	`v${padVersion(new CronCrmTrigger().description.version as number)}`,
);

/**
 * Send and Wait's output is not CRONCRM's reply but the person's answer, under `data` as in n8n's
 * own Send and Wait nodes: `approved`, `text`, or one field per form field (by its label).
 */
function answerSchema(): JsonSchema {
	return {
		type: 'object',
		description:
			'The answer, once the person gave it. When the wait limit passes first, the input items go on unchanged instead',
		properties: {
			data: {
				type: 'object',
				description:
					'Approval: approved; Free Text: text; Custom Form: one field per form field, named by its label',
				properties: {
					approved: { type: 'boolean', description: 'Whether the approve button was pressed' },
					text: { type: 'string', description: 'What the person wrote' },
				},
				additionalProperties: true,
			},
		},
		required: ['data'],
	};
}

/** A message of Wait for Burst to End's output (a burst message, or the one it answers). */
function burstMessageSchema(description: string): JsonSchema {
	return {
		type: 'object',
		description,
		properties: {
			access_token: { type: 'string', description: "The message's access_token in CRONCRM" },
			text: {
				type: ['string', 'null'],
				description: 'Its text, or the caption of a media message; null when it has neither',
			},
			message_type: { type: 'string', description: 'chat (text), image, ptt (voice note)...' },
			is_media: { type: 'boolean', description: 'Whether it carries a file (image, audio...)' },
			timestamp: { type: 'string', description: 'When it was sent, as an ISO date' },
		},
		required: ['access_token', 'text', 'message_type', 'is_media', 'timestamp'],
	};
}

/**
 * Wait for Burst to End's output is not CRONCRM's reply but the burst it read from it. When a
 * newer message arrived, the operation outputs no item at all.
 */
function burstSchema(): JsonSchema {
	return {
		type: 'object',
		description:
			'The burst of messages the contact sent, once they stopped typing for the quiet period',
		properties: {
			chat_wid: { type: 'string', description: 'The chat (WhatsApp ID)' },
			text: { type: 'string', description: "The messages' texts, joined by the Text Separator" },
			count: { type: 'number', description: 'How many messages the burst has' },
			messages: {
				type: 'array',
				description: 'The messages of the burst, oldest first',
				items: burstMessageSchema('One message of the burst'),
			},
			first_timestamp: { type: 'string', description: 'When the first message was sent' },
			last_timestamp: { type: 'string', description: 'When the last message was sent' },
			has_media: { type: 'boolean', description: 'Whether any message carries a file' },
			answering: {
				...burstMessageSchema(
					'The last message sent to the chat before the burst: what the contact is answering; null when there is none',
				),
				type: ['object', 'null'],
			},
			triggering_message_listed: {
				type: 'boolean',
				description:
					'Whether messages/find listed the message that started the execution (else it was taken from the trigger)',
			},
			requests: { type: 'number', description: 'Requests the read took (pages of messages/find)' },
		},
		required: [
			'chat_wid',
			'text',
			'count',
			'messages',
			'first_timestamp',
			'last_timestamp',
			'has_media',
			'answering',
			'triggering_message_listed',
			'requests',
		],
	};
}

/** Every schema file, by path relative to the repository, with its content. */
export function generateSchemas(): Map<string, string> {
	const examples = loadExamples();
	const all = [...examples.values()].flat();
	const knownTypes = typesByField(all);
	const variedRecords = new Map(VARIED_RECORDS.map((name) => [name, recordsNamed(all, name)]));
	const files = new Map<string, string>();
	const write = (path: string, schema: JsonSchema) =>
		files.set(relative(ROOT, path), `${JSON.stringify(schema, null, '\t')}\n`);

	for (const resource of RESOURCES) {
		for (const spec of resource.operations) {
			if (spec.custom) {
				write(
					join(NODE_SCHEMA_DIR, resource.value, `${spec.value}.json`),
					spec.value === 'waitForBurst' ? burstSchema() : answerSchema(),
				);
				continue;
			}
			const key = routeKey(spec.method, spec.path);
			// Create or Update answers with either reply.
			const saved = spec.upsert
				? examples.get(key)?.concat(examples.get(routeKey('PUT', spec.upsert.updatePath)) ?? [])
				: examples.get(key);
			if (!saved)
				throw new Error(`${resource.value}.${spec.value}: ${key} is not in the collection`);
			write(
				join(NODE_SCHEMA_DIR, resource.value, `${spec.value}.json`),
				operationSchema(spec, saved, knownTypes, variedRecords),
			);
		}
	}

	const messages = examples.get(routeKey('GET', '/messages/find'))![0].body.messages as Array<
		Record<string, unknown>
	>;
	write(
		join(TRIGGER_SCHEMA_DIR, 'output.json'),
		triggerSchema(messages[0], knownTypes, variedRecords),
	);
	return files;
}

/** Committed schema files, for the drift check. */
export function committedSchemas(): Map<string, string> {
	const files = new Map<string, string>();
	const read = (dir: string) => {
		let entries: string[] = [];
		try {
			entries = readdirSync(dir);
		} catch {
			return;
		}
		for (const entry of entries) {
			const path = join(dir, entry);
			if (entry.endsWith('.json')) files.set(relative(ROOT, path), readFileSync(path, 'utf8'));
			else read(path);
		}
	};
	read(join(ROOT, 'nodes', 'CronCrm', '__schema__'));
	read(join(ROOT, 'nodes', 'CronCrmTrigger', '__schema__'));
	return files;
}

if (require.main === module && process.argv.includes('--write')) {
	rmSync(join(ROOT, 'nodes', 'CronCrm', '__schema__'), { recursive: true, force: true });
	rmSync(join(ROOT, 'nodes', 'CronCrmTrigger', '__schema__'), { recursive: true, force: true });
	const files = generateSchemas();
	for (const [path, content] of files) {
		mkdirSync(dirname(join(ROOT, path)), { recursive: true });
		writeFileSync(join(ROOT, path), content);
	}
	console.log(`${files.size} schema files written`);
}
