/**
 * Runs the package's nodes for real: n8n-core's WorkflowExecute and RoutingNode execute a
 * workflow "Input → CRONCRM" against the sandbox over HTTP. Only the parts n8n's server would
 * provide (credential storage, node type registry) are supplied here.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

if (!process.env.N8N_USER_FOLDER) {
	// n8n-core writes its settings file here; the folder goes when this process ends.
	// Under jest, inside the run's folder, which the global teardown removes.
	const parent = process.env.CRONCRM_TEST_TMP ?? tmpdir();
	const userFolder = mkdtempSync(join(parent, 'croncrm-n8n-'));
	process.env.N8N_USER_FOLDER = userFolder;
	process.on('exit', () => rmSync(userFolder, { recursive: true, force: true }));
}

import { DirectoryLoader, ExecutionLifecycleHooks, RoutingNode, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	ExecutionError,
	IVersionedNodeType,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';

// n8n-core has its own copy of @n8n/di; its container holds the engine's singletons.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require('n8n-core/node_modules/@n8n/di') as typeof import('@n8n/di');
// Not re-exported by n8n-core's index; its singleton keeps jest alive unless shut down.
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

import { CronCrmApi } from '../../credentials/CronCrmApi.credentials';
import { CronCrm } from '../../nodes/CronCrm/CronCrm.node';
import { DEFAULT_API_KEY, type RecordedRequest, type Sandbox } from '../../sandbox/server';
import { checkOutputSchema, overriddenRoutes } from './schemas';

/** A source node that outputs the items a test gives it. */
class TestInput implements INodeType {
	description = {
		displayName: 'Test Input',
		name: 'testInput',
		group: ['input'],
		version: 1,
		description: 'Outputs the items of its parameter',
		defaults: { name: 'Input' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Items', name: 'items', type: 'json', default: '[]' },
		] as INodeProperties[],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

const cronCrm = new CronCrm();
DirectoryLoader.applyDeclarativeNodeOptionParameters(cronCrm);
// As n8n's NodeTypes does for every declarative node (the server's node registry): routing runs
// as the node's execute method. Custom operations (Send and Wait) still take precedence.
(cronCrm as INodeType).execute = async function (this: IExecuteFunctions) {
	return (await new RoutingNode(this as never, cronCrm).runNode()) ?? [];
};
const credentialType = new CronCrmApi();

const nodeTypeMap: Record<string, INodeType> = {
	'CUSTOM.cronCrm': cronCrm,
	'CUSTOM.testInput': new TestInput(),
};

export function registerNodeType(name: string, nodeType: INodeType) {
	nodeTypeMap[name] = nodeType;
}

export const nodeTypes: INodeTypes = {
	getByName: (name) => nodeTypeMap[name] as INodeType | IVersionedNodeType,
	getByNameAndVersion: (name) => nodeTypeMap[name],
	getKnownTypes: () => ({}),
};

/** Resolves `={{$credentials.x}}` templates, as n8n's server does for generic auth. */
function resolveTemplate(template: string, credentials: ICredentialDataDecryptedObject): string {
	return template.replace(/^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/, (_, key: string) =>
		String(credentials[key] ?? ''),
	);
}

/** Plays n8n's credential store: decrypted data by id, and generic header auth. */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		requestOptions: IHttpRequestOptions,
	) {
		const headers = credentialType.authenticate.properties.headers ?? {};
		requestOptions.headers = { ...requestOptions.headers };
		for (const [name, template] of Object.entries(headers)) {
			requestOptions.headers[name] = resolveTemplate(String(template), credentials);
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		_type: string,
		_mode?: unknown,
		_executeData?: unknown,
		_raw?: boolean,
		_expressionResolveValues?: ICredentialsExpressionResolveValues,
	) {
		return this.data[nodeCredentials.id ?? ''] ?? {};
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(): INodeProperties[] {
		return credentialType.properties;
	}
}

export interface CredentialOverrides {
	apiKey?: string;
	baseUrl?: string;
	defaultCountryCode?: string;
	requestsPerWindow?: number;
	windowSeconds?: number;
	sendingProcesses?: number;
}

/** Credentials for the sandbox. A generous limit keeps functional tests fast. */
export function sandboxCredentials(sandbox: Sandbox, overrides: CredentialOverrides = {}) {
	return {
		apiKey: DEFAULT_API_KEY,
		baseUrl: sandbox.url,
		requestsPerWindow: 1000,
		windowSeconds: 1,
		...overrides,
	} as ICredentialDataDecryptedObject;
}

export function makeAdditionalData(
	credentials: ICredentialDataDecryptedObject,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper({ croncrm: credentials }),
		hooks,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		setExecutionStatus: () => undefined,
		variables: {},
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface RunOptions {
	/** The CRONCRM node's parameters (resource, operation, fields). */
	parameters: IDataObject;
	/** Input items; one empty item by default. */
	items?: IDataObject[];
	credentials?: CredentialOverrides;
	continueOnFail?: boolean;
	/** Node settings as the editor's Settings tab sets them, e.g. { retryOnFail: true }. */
	settings?: Partial<Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>>;
	/** Another registered type for the node (e.g. an AI-tool variant); CUSTOM.cronCrm by default. */
	nodeType?: string;
}

export interface RunResult {
	/** What the CRONCRM node output (error items included when Continue On Fail is on). */
	items: INodeExecutionData[];
	/** The execution's error, when the node failed. */
	error?: ExecutionError;
	/** What the sandbox received during this run. */
	requests: RecordedRequest[];
	run: IRun;
}

export function cronCrmNode(parameters: IDataObject, continueOnFail = false): INode {
	return {
		id: 'croncrm-node',
		name: 'CRONCRM',
		type: 'CUSTOM.cronCrm',
		typeVersion: 1,
		position: [200, 0],
		parameters: parameters as INode['parameters'],
		credentials: { cronCrmApi: { id: 'croncrm', name: 'CRONCRM sandbox' } },
		onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
	};
}

/** The workflow the engine tests run: an Input node with `items`, then the CRONCRM node. */
export function inputThenCronCrm(options: {
	id: string;
	name: string;
	items: IDataObject[];
	node: INode;
	active: boolean;
}): { workflow: Workflow; inputNode: INode } {
	const inputNode: INode = {
		id: 'input-node',
		name: 'Input',
		type: 'CUSTOM.testInput',
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(options.items) },
	};
	const workflow = new Workflow({
		id: options.id,
		name: options.name,
		nodes: [inputNode, options.node],
		connections: { Input: { main: [[{ node: options.node.name, type: 'main', index: 0 }]] } },
		active: options.active,
		nodeTypes,
	});
	return { workflow, inputNode };
}

/** An execution that starts at `inputNode` with one empty item, as n8n's manual run does. */
export function startingAt(inputNode: INode): IRunExecutionData {
	return {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [{ node: inputNode, data: { main: [[{ json: {} }]] }, source: null }],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;
}

/** Executes "Input → CRONCRM" once through n8n's engine. */
export async function runCronCrm(sandbox: Sandbox, options: RunOptions): Promise<RunResult> {
	const before = sandbox.requests.length;
	const node = { ...cronCrmNode(options.parameters, options.continueOnFail), ...options.settings };
	if (options.nodeType) node.type = options.nodeType;
	const { workflow, inputNode } = inputThenCronCrm({
		id: 'test-workflow',
		name: 'test',
		items: options.items ?? [{}],
		node,
		active: false,
	});
	const hooks = new ExecutionLifecycleHooks('manual', '1', {
		id: 'test-workflow',
		name: 'test',
		nodes: [],
		connections: {},
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		isArchived: false,
		activeVersionId: null,
	} as never);
	let finished!: (run: IRun) => void;
	const done = new Promise<IRun>((resolve) => (finished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finished(run));
	const additionalData = makeAdditionalData(
		sandboxCredentials(sandbox, options.credentials),
		hooks,
	);
	const runExecutionData = startingAt(inputNode);
	await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(
		workflow,
	);
	const run = await done;
	const nodeRun = run.data.resultData.runData.CRONCRM?.[0];
	const items = nodeRun?.data?.main?.[0] ?? [];
	const requests = sandbox.requests.slice(before);
	// Every output is held to the operation's committed output schema (scripts/schemas.ts),
	// unless a test replaced the sandbox's reply with its own.
	if (!requests.some((r) => overriddenRoutes.has(`${r.method} ${r.path}`))) {
		checkOutputSchema(
			String(options.parameters.resource),
			String(options.parameters.operation),
			items,
			Boolean(options.continueOnFail),
		);
	}
	return {
		items,
		error: nodeRun?.error ?? run.data.resultData.error,
		requests,
		run,
	};
}

/** Lets jest exit: n8n-core keeps an SSH client manager alive otherwise. */
export function shutdownEngine() {
	Container.get(SSHClientsManager).onShutdown();
}
