/**
 * Runs Message → Send and Wait for Response the way n8n's server does, with n8n-core's real
 * engine and contexts:
 * - the execution "Input → CRONCRM" runs until the node puts it to wait (WorkflowExecute);
 * - a small HTTP server plays n8n's waiting-webhook endpoint
 *   (<base>/webhook-waiting/<executionId>/<node id>): it checks the URL's signature as the n8n
 *   line chosen does (see N8nSignatures), parses the body as n8n does (multipart into
 *   { data, files }), runs the node's webhook in a real WebhookContext whose execution id is the
 *   one in the path, as n8n's, and, when the node returns the answer, resumes the execution with
 *   it (WorkflowExecute again, which disables the waiting node and passes the answer on, as on
 *   a real resume);
 * - a timed-out wait is resumed as n8n's WaitTracker does: the same execution data, run again.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { parse as parseQuery } from 'querystring';

import {
	ExecuteContext,
	ExecutionLifecycleHooks,
	InstanceSettings,
	WebhookContext,
	WorkflowExecute,
	validateUrlSignature,
} from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IRun,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox/server';
import {
	cronCrmNode,
	inputThenCronCrm,
	makeAdditionalData,
	nodeTypes,
	sandboxCredentials,
	startingAt,
} from './engine';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require('n8n-core/node_modules/@n8n/di') as typeof import('@n8n/di');

const nodeType = nodeTypes.getByNameAndVersion('CUSTOM.cronCrm') as INodeType;

export interface WaitingExecution {
	id: string;
	node: INode;
	/** The run as the engine left it: status "waiting" until an answer or a timeout resumes it. */
	run: IRun;
	/** The CRONCRM node's output in the latest run (the answer once resumed). */
	items(): INodeExecutionData[];
	/** Resolves with the run that followed a resume. */
	resumed: Promise<IRun>;
}

/**
 * How the n8n played here treats its own `signature` on resume URLs:
 * - `checked` (n8n 2.x): nodes get getSignedResumeUrl, and every Send and Wait link must carry a
 *   valid signature (else 401);
 * - `whenRequired` (n8n 1.x from late 2024, e.g. 1.123): nodes get getSignedResumeUrl and
 *   setSignatureValidationRequired; the signature is checked only for executions whose node
 *   called the latter (n8n-core 2.41 has no such method, so the server lends it to the node);
 * - `none` (older n8n): no getSignedResumeUrl, links are the plain resume URL, nothing checked.
 */
export type N8nSignatures = 'checked' | 'whenRequired' | 'none';

export interface WaitingServer {
	base: string;
	start(
		sandbox: Sandbox,
		parameters: IDataObject,
		items?: IDataObject[],
		options?: { nodeId?: string },
	): Promise<WaitingExecution>;
	/** Plays n8n's WaitTracker once the wait limit has passed. */
	timeOut(execution: WaitingExecution): Promise<IRun>;
	/** Every answer the server gave. */
	responses: Array<{ method: string; path: string; status: number; body: string }>;
	close(): Promise<void>;
}

interface Entry {
	execution: WaitingExecution;
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
	data: IRunExecutionData;
	finish: (run: IRun) => void;
}

function hooksFor(onEnd: (run: IRun) => void) {
	const hooks = new ExecutionLifecycleHooks('webhook', '1', {
		id: 'wait-workflow',
		name: 'send and wait',
		nodes: [],
		connections: {},
		active: true,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
		activeVersionId: null,
	} as never);
	hooks.addHandler('workflowExecuteAfter', (run) => onEnd(run));
	return hooks;
}

/** The prototype n8n-core defines getSignedResumeUrl on (NodeExecutionContext, not exported). */
function signingPrototype(): Record<string, unknown> {
	let prototype = ExecuteContext.prototype as unknown as Record<string, unknown> | null;
	while (prototype && !Object.prototype.hasOwnProperty.call(prototype, 'getSignedResumeUrl')) {
		prototype = Object.getPrototypeOf(prototype) as Record<string, unknown> | null;
	}
	if (!prototype) throw new Error('n8n-core has no getSignedResumeUrl any more');
	return prototype;
}

/** Makes the node contexts look like those of the n8n line played, while `run` runs. */
async function asN8nLine<T>(signatures: N8nSignatures, run: () => Promise<T>): Promise<T> {
	if (signatures === 'checked') return await run();
	const prototype = signingPrototype();
	const original = prototype.getSignedResumeUrl;
	if (signatures === 'none') delete prototype.getSignedResumeUrl;
	else {
		// As n8n 1.x's ExecuteContext: marks the execution for n8n's signature check.
		prototype.setSignatureValidationRequired = function (this: {
			runExecutionData: IRunExecutionData & { validateSignature?: boolean };
		}) {
			this.runExecutionData.validateSignature = true;
		};
	}
	try {
		return await run();
	} finally {
		prototype.getSignedResumeUrl = original;
		delete prototype.setSignatureValidationRequired;
	}
}

/** Runs (or resumes) the execution's data through n8n's engine; resolves when it stops. */
async function execute(entry: Entry, signatures: N8nSignatures): Promise<IRun> {
	let ended!: (run: IRun) => void;
	const done = new Promise<IRun>((resolve) => (ended = resolve));
	const additionalData = { ...entry.additionalData, hooks: hooksFor((run) => ended(run)) };
	await asN8nLine(signatures, async () => {
		await new WorkflowExecute(additionalData, 'webhook', entry.data).processRunExecutionData(
			entry.workflow,
		);
	});
	const run = await done;
	entry.execution.run = run;
	return run;
}

/** n8n's multipart parser hands forms over as { data: fields, files }, urlencoded as fields. */
async function parseBody(req: IncomingMessage, raw: Buffer, url: string): Promise<unknown> {
	const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
	if (contentType === 'multipart/form-data') {
		const form = await new Request(url, {
			method: 'POST',
			headers: { 'content-type': String(req.headers['content-type']) },
			body: raw,
		}).formData();
		const data: Record<string, string | string[]> = {};
		for (const [key, value] of form.entries()) {
			if (typeof value !== 'string') continue;
			const previous = data[key];
			data[key] = previous === undefined ? value : [previous, value].flat();
		}
		return { data, files: {} };
	}
	if (contentType === 'application/x-www-form-urlencoded') return parseQuery(raw.toString('utf8'));
	if (contentType === 'application/json') return JSON.parse(raw.toString('utf8'));
	return {};
}

export async function startWaitingServer(
	options: { signatures?: N8nSignatures } = {},
): Promise<WaitingServer> {
	const signatures = options.signatures ?? 'checked';
	const executions = new Map<string, Entry>();
	const responses: WaitingServer['responses'] = [];
	let nextId = 1;

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', base);
		const originalEnd = res.end.bind(res);
		res.end = ((chunk?: unknown) => {
			responses.push({
				method: req.method ?? '',
				path: url.pathname,
				status: res.statusCode,
				body: String(chunk ?? ''),
			});
			return originalEnd(chunk as string);
		}) as typeof res.end;
		const reply = (status: number, message: string) => {
			res
				.writeHead(status, { 'Content-Type': 'application/json' })
				.end(JSON.stringify({ message }));
		};

		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const [, prefix, executionId, suffix] = url.pathname.split('/');
		const entry = executions.get(executionId);
		if (prefix !== 'webhook-waiting' || !entry) return reply(404, 'Not found');

		// As n8n's WaitingWebhooks: a Send and Wait link must carry a valid signature, on 1.x only
		// if the node asked for the check.
		const checkSignature =
			signatures === 'checked' ||
			(signatures === 'whenRequired' &&
				(entry.data as { validateSignature?: boolean }).validateSignature === true);
		if (checkSignature) {
			const signature = url.searchParams.get('signature');
			const secret = Container.get(InstanceSettings).hmacSignatureSecret;
			if (!signature || !validateUrlSignature(signature, url, secret)) {
				return reply(401, 'Invalid token');
			}
		}
		if (entry.execution.run.status !== 'waiting') {
			return reply(409, `The execution "${executionId}" has finished already.`);
		}
		const description = nodeType.description.webhooks?.find(
			(webhook) => webhook.httpMethod === req.method && webhook.restartWebhook,
		);
		if (!description || suffix !== entry.execution.node.id) {
			return reply(404, 'No waiting webhook with a matching path/method');
		}

		const request = Object.assign(req, {
			body: req.method === 'POST' ? await parseBody(req, Buffer.concat(chunks), url.href) : {},
			query: Object.fromEntries(url.searchParams.entries()),
			params: {},
		});
		const additionalData = {
			...entry.additionalData,
			httpRequest: request,
			httpResponse: res,
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData: IWebhookData = {
			httpMethod: description.httpMethod as IWebhookData['httpMethod'],
			node: entry.execution.node.name,
			path: entry.execution.node.id,
			webhookDescription: description,
			workflowId: entry.workflow.id,
			workflowExecuteAdditionalData: additionalData,
		};
		const context = new WebhookContext(
			entry.workflow,
			entry.execution.node,
			additionalData,
			'webhook',
			webhookData,
			[],
			entry.data,
		);
		let result: IWebhookResponseData;
		try {
			result = await nodeType.webhook!.call(context);
		} catch (error) {
			return reply(500, (error as Error).message);
		}
		if (!result.noWebhookResponse) {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(result.webhookResponse ?? { message: 'Workflow was started' }));
		}
		if (result.workflowData === undefined) return;
		// As n8n's webhook helpers: the answer becomes the waiting node's data.
		const waiting = entry.data.executionData!.nodeExecutionStack[0];
		waiting.data.main = result.workflowData;
		waiting.metadata = { ...waiting.metadata, forwardAllOutputs: true };
		entry.finish(await execute(entry, signatures));
	}

	const server: Server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent) res.writeHead(500).end(error.message);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		base,
		responses,
		async start(sandbox, parameters, items = [{}], startOptions = {}) {
			const id = String(nextId++);
			// Executions of one workflow share the node's id; give the same nodeId to play that.
			const node = { ...cronCrmNode(parameters), id: startOptions.nodeId ?? `croncrm-node-${id}` };
			const { workflow, inputNode } = inputThenCronCrm({
				id: 'wait-workflow',
				name: 'send and wait',
				items,
				node,
				active: true,
			});
			const additionalData = {
				...makeAdditionalData(sandboxCredentials(sandbox)),
				executionId: id,
				webhookWaitingBaseUrl: `${base}/webhook-waiting`,
			} as IWorkflowExecuteAdditionalData;
			const data = startingAt(inputNode);
			let finish!: (run: IRun) => void;
			const execution: WaitingExecution = {
				id,
				node,
				run: undefined as unknown as IRun,
				items: () => execution.run.data.resultData.runData.CRONCRM?.at(-1)?.data?.main?.[0] ?? [],
				resumed: new Promise<IRun>((resolve) => (finish = resolve)),
			};
			const entry: Entry = { execution, workflow, additionalData, data, finish };
			executions.set(id, entry);
			await execute(entry, signatures);
			return execution;
		},
		async timeOut(execution) {
			const entry = executions.get(execution.id)!;
			const run = await execute(entry, signatures);
			entry.finish(run);
			return run;
		},
		close: async () =>
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
