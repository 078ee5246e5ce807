/**
 * Runs the CRONCRM Trigger the way n8n's server does, with n8n-core's real contexts:
 * - activation / deactivation: WebhookService.createWebhookIfNotExists (checkExists, then
 *   create if needed) and deleteWebhook, each through a HookContext;
 * - incoming calls: a small HTTP server plays n8n's webhook server. It serves
 *   <base>/webhook/<webhookId>/webhook (production) and <base>/webhook-test/... (test), parses
 *   the body as n8n does (JSON into req.body, the bytes kept in req.rawBody), builds a
 *   WebhookContext per request with the real req/res, and answers as n8n's webhook helpers do.
 * So the sandbox's POST /__sandbox/hooks/fire really reaches the node over HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { HookContext, WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WebhookSetupMethodNames,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { CronCrmTrigger } from '../../nodes/CronCrmTrigger/CronCrmTrigger.node';
import type { Sandbox } from '../../sandbox/server';
import {
	makeAdditionalData,
	nodeTypes,
	registerNodeType,
	sandboxCredentials,
	type CredentialOverrides,
} from './engine';

export const TRIGGER_TYPE = 'CUSTOM.cronCrmTrigger';
registerNodeType(TRIGGER_TYPE, new CronCrmTrigger());
const nodeType = nodeTypes.getByNameAndVersion(TRIGGER_TYPE) as INodeType;

export type Mode = 'production' | 'test';

/** What n8n started: the trigger's output for one execution. */
export interface Execution {
	mode: Mode;
	items: INodeExecutionData[];
}

export interface TriggerOptions {
	parameters: IDataObject;
	/** Distinguishes workflows: each trigger node has its own webhookId. */
	webhookId?: string;
	workflowId?: string;
	credentials?: CredentialOverrides;
}

export interface Trigger {
	node: INode;
	/** The production and test workflows (n8n keeps a separate copy while listening for a test event). */
	workflows: Record<Mode, Workflow>;
	executions: Execution[];
	/** Activation as n8n does it: checkExists, then create when it answered false. Returns whether create ran. */
	activate(mode?: Mode): Promise<boolean>;
	deactivate(mode?: Mode): Promise<void>;
	checkExists(mode?: Mode): Promise<boolean>;
	/** create alone, as n8n runs it when checkExists answered false (or twice, when it retries). */
	create(mode?: Mode): Promise<void>;
	/** n8n's webhook URL for the node (no secret). */
	url(mode?: Mode): string;
	/** The node's static data ("node:<name>"). */
	staticData(mode?: Mode): IDataObject;
	/** Changes parameters, as editing the node and saving the workflow does. */
	setParameters(parameters: IDataObject): void;
	/** The credential both the hooks and the webhook read; change it to edit the credential. */
	credentials: ICredentialDataDecryptedObject;
	/** Drops the static data of both copies, as when n8n never saved what activation wrote. */
	forgetStaticData(): void;
}

export interface WebhookServer {
	base: string;
	addTrigger(sandbox: Sandbox, options: TriggerOptions): Trigger;
	/**
	 * Files served on GET (path -> content), standing in for where CRONCRM keeps media; holdMs
	 * delays the answer, like a slow file host.
	 */
	files: Map<string, { mimeType: string; data: Buffer; holdMs?: number }>;
	/** Every response the server gave, for assertions on status codes. */
	responses: Array<{ path: string; status: number; body: string }>;
	reset(): void;
	close(): Promise<void>;
}

const BASE_PATHS: Record<Mode, string> = { production: '/webhook', test: '/webhook-test' };

/** n8n's parseBody: JSON and text are parsed; a malformed JSON body is refused with 422. */
function parseLikeN8n(req: IncomingMessage, raw: Buffer): { body?: unknown; error?: string } {
	if (raw.length === 0) return {};
	const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	try {
		if (contentType === 'application/json') return { body: JSON.parse(raw.toString('utf8')) };
		if (contentType === 'text/plain') return { body: raw.toString('utf8') };
	} catch (error) {
		return { error: `Failed to parse request body: ${(error as Error).message}` };
	}
	return {};
}

/** Static data as n8n stores it: JSON in the database. */
function roundTrip(data: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(data)) as IDataObject;
}

export async function startWebhookServer(): Promise<WebhookServer> {
	const routes = new Map<string, { trigger: Trigger; sandbox: Sandbox; mode: Mode }>();
	const responses: WebhookServer['responses'] = [];
	const files: WebhookServer['files'] = new Map();

	const reply = (res: ServerResponse, status: number, body: unknown) => {
		res.writeHead(status, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify(body));
	};

	async function handle(req: IncomingMessage, res: ServerResponse) {
		const url = new URL(req.url ?? '/', 'http://n8n');
		// Every answer is recorded, the node's own (401, 413...) included.
		const originalEnd = res.end.bind(res);
		res.end = ((chunk?: unknown) => {
			responses.push({ path: url.pathname, status: res.statusCode, body: String(chunk ?? '') });
			return originalEnd(chunk as string);
		}) as typeof res.end;
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);
		const file = req.method === 'GET' ? files.get(url.pathname) : undefined;
		if (file) {
			if (file.holdMs) await new Promise((resolve) => setTimeout(resolve, file.holdMs));
			res.writeHead(200, { 'Content-Type': file.mimeType, 'Content-Length': file.data.length });
			return res.end(file.data);
		}
		const route = routes.get(url.pathname);
		if (!route || req.method !== 'POST') {
			return reply(res, 404, { message: 'The requested webhook is not registered' });
		}
		const parsed = parseLikeN8n(req, raw);
		if (parsed.error) return reply(res, 422, { message: parsed.error });

		// What n8n's server hands the node: an express-like request with body, rawBody and query.
		const request = Object.assign(req, {
			body: parsed.body,
			rawBody: raw,
			query: Object.fromEntries(url.searchParams.entries()),
			params: {},
		});
		const { trigger, mode } = route;
		const workflow = trigger.workflows[mode];
		const additionalData = {
			...makeAdditionalData(trigger.credentials),
			httpRequest: request,
			httpResponse: res,
		} as unknown as IWorkflowExecuteAdditionalData;
		const context = new WebhookContext(
			workflow,
			trigger.node,
			additionalData,
			mode === 'test' ? 'manual' : 'webhook',
			webhookData(workflow, trigger.node, additionalData, mode),
			[],
			null,
		);
		let result: IWebhookResponseData;
		try {
			result = await nodeType.webhook!.call(context);
		} catch (error) {
			return reply(res, 500, { message: (error as Error).message });
		}
		// As n8n: a node that answered itself (noWebhookResponse) may still start the workflow.
		if (result.workflowData === undefined) {
			if (result.noWebhookResponse) return;
			return reply(res, 200, result.webhookResponse ?? { message: 'Webhook call received' });
		}
		trigger.executions.push({ mode, items: result.workflowData[0] });
		if (result.noWebhookResponse) return;
		// n8n's default response data for a webhook description without responseData.
		return reply(res, 200, 'firstEntryJson');
	}

	const server: Server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent) reply(res, 500, { message: error.message });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	function webhookData(
		workflow: Workflow,
		node: INode,
		additionalData: IWorkflowExecuteAdditionalData,
		mode: Mode,
	): IWebhookData {
		// As n8n's WebhookService.getNodeWebhooks describes the node's one webhook.
		const webhookDescription = nodeType.description.webhooks![0];
		return {
			httpMethod: 'POST',
			node: node.name,
			path: NodeHelpers.getNodeWebhookPath(workflow.id, node, 'webhook', false, false),
			webhookDescription,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: undefined,
			isTest: mode === 'test',
		};
	}

	function addTrigger(sandbox: Sandbox, options: TriggerOptions): Trigger {
		const webhookId = options.webhookId ?? 'trigger-1';
		const credentials = sandboxCredentials(sandbox, options.credentials);
		const additionalData = {
			...makeAdditionalData(credentials),
			webhookBaseUrl: `${base}${BASE_PATHS.production}`,
			webhookTestBaseUrl: `${base}${BASE_PATHS.test}`,
		} as IWorkflowExecuteAdditionalData;
		const node: INode = {
			id: `node-${webhookId}`,
			name: 'CRONCRM Trigger',
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId,
			parameters: options.parameters as INode['parameters'],
			credentials: { cronCrmApi: { id: 'croncrm', name: 'CRONCRM sandbox' } },
		};
		const build = (staticData?: IDataObject) =>
			new Workflow({
				id: options.workflowId ?? `workflow-${webhookId}`,
				name: 'trigger test',
				nodes: [node],
				connections: {},
				active: false,
				nodeTypes,
				staticData,
			});
		const workflows: Record<Mode, Workflow> = { production: build(), test: build() };

		const run = async (method: WebhookSetupMethodNames, mode: Mode) => {
			const workflow = workflows[mode];
			// n8n runs the setup methods in mode "trigger" on activation and "manual" for test
			// URLs; deletion runs in "internal".
			const executeMode = method === 'delete' ? 'internal' : mode === 'test' ? 'manual' : 'trigger';
			const context = new HookContext(
				workflow,
				node,
				additionalData,
				executeMode,
				mode === 'test' ? 'manual' : 'activate',
				webhookData(workflow, node, additionalData, mode),
			);
			return (await nodeType.webhookMethods!.default![method]!.call(context)) as boolean;
		};

		const trigger: Trigger = {
			node,
			workflows,
			credentials,
			executions: [],
			async checkExists(mode = 'production') {
				return await run('checkExists', mode);
			},
			async create(mode = 'production') {
				await run('create', mode);
			},
			async activate(mode = 'production') {
				if (mode === 'test') {
					// Listening for a test event starts from the saved workflow's static data.
					workflows.test = build(roundTrip(workflows.production.staticData));
				}
				if (await run('checkExists', mode)) return false;
				await run('create', mode);
				return true;
			},
			async deactivate(mode = 'production') {
				await run('delete', mode);
			},
			url(mode = 'production') {
				return `${base}${BASE_PATHS[mode]}/${webhookId}/webhook`;
			},
			staticData(mode = 'production') {
				return workflows[mode].getStaticData('node', node);
			},
			forgetStaticData() {
				for (const mode of ['production', 'test'] as Mode[]) workflows[mode] = build();
			},
			setParameters(parameters) {
				node.parameters = parameters as INode['parameters'];
				for (const mode of ['production', 'test'] as Mode[]) {
					const staticData = workflows[mode].staticData;
					workflows[mode] = build(roundTrip(staticData));
				}
			},
		};
		for (const mode of ['production', 'test'] as Mode[]) {
			routes.set(new URL(trigger.url(mode)).pathname, { trigger, sandbox, mode });
		}
		return trigger;
	}

	return {
		base,
		addTrigger,
		files,
		responses,
		reset() {
			routes.clear();
			files.clear();
			responses.length = 0;
		},
		close: async () =>
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** Starts one webhook server for the test file and forgets its triggers before each test. */
export function useWebhookServer(): { current: WebhookServer } {
	const holder = {} as { current: WebhookServer };
	beforeAll(async () => {
		holder.current = await startWebhookServer();
	});
	beforeEach(() => holder.current.reset());
	afterAll(async () => await holder.current.close());
	return holder;
}

/** POST /__sandbox/hooks/fire: the sandbox plays one CRONCRM event. */
export async function fire(
	sandbox: Sandbox,
	instance: string,
	hook: string,
	payload?: IDataObject,
): Promise<{
	httpStatus: number;
	success: boolean;
	status: number;
	delivered: boolean;
	response: unknown;
}> {
	const reply = await fetch(`${sandbox.origin}/__sandbox/hooks/fire`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ instance, hook, payload }),
	});
	return {
		httpStatus: reply.status,
		...((await reply.json()) as Record<string, unknown>),
	} as never;
}

/** POST /__sandbox/instances/empty-means-unchanged: instances/change then ignores '' values. */
export async function emptyMeansUnchanged(sandbox: Sandbox, enabled = true): Promise<void> {
	const reply = await fetch(`${sandbox.origin}/__sandbox/instances/empty-means-unchanged`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ enabled }),
	});
	if (!reply.ok) throw new Error(`Sandbox refused the switch: HTTP ${reply.status}`);
}

/** The nine hooks CRONCRM posts, spelled as its collection does (the trigger's events). */
export const ALL_HOOKS = [
	'onReceived',
	'onSender',
	'onAck',
	'IncomingCall',
	'onStateChanged',
	'onQrcode',
	'onLiveLocation',
	'onParticipantsChanged',
	'onAddedToGroup',
];
