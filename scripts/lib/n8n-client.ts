/**
 * Talks to a running n8n: its internal REST API only for what the public API cannot do
 * (owner setup, login, creating an API key), the public API (/api/v1, X-N8N-API-KEY) for
 * everything else, as a user's own automation would.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname } from 'path';

import { log } from './install';

/** Scopes of the stack's public-API key on n8n 2.x. */
export const API_KEY_SCOPES = [
	'workflow:create',
	'workflow:read',
	'workflow:update',
	'workflow:list',
	'workflow:activate',
	'workflow:deactivate',
	'workflow:delete',
	'execution:read',
	'execution:list',
	'execution:retry',
	'execution:stop',
	'credential:create',
	'credential:update',
	'credential:list',
];

/** n8n 1.x answers 400 "Invalid scopes" to these: its public API cannot list or update credentials. */
const SCOPES_NEW_IN_2X = ['credential:update', 'credential:list', 'execution:stop'];

export interface WorkflowSummary {
	id: string;
	name: string;
	active: boolean;
}

export interface Execution {
	id: string | number;
	finished: boolean;
	mode: string;
	status: string;
	workflowId: string;
	startedAt?: string;
	data?: {
		resultData: {
			runData: Record<
				string,
				Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>
			>;
			error?: { message: string };
		};
	};
}

export class N8nClient {
	private cookie = '';

	apiKey = '';

	/** n8n's version (from /rest/settings), known after ownerOrLogin. */
	version = '';

	constructor(readonly origin: string) {}

	get major(): number {
		return Number(this.version.split('.')[0]);
	}

	private async request<T>(
		method: string,
		path: string,
		body?: unknown,
		auth: 'cookie' | 'apiKey' = 'apiKey',
	): Promise<{ status: number; body: T; headers: Headers }> {
		const headers: Record<string, string> = { 'browser-id': 'croncrm-stack' };
		if (body !== undefined) headers['Content-Type'] = 'application/json';
		if (auth === 'cookie' && this.cookie) headers.Cookie = this.cookie;
		if (auth === 'apiKey') headers['X-N8N-API-KEY'] = this.apiKey;
		const response = await fetch(`${this.origin}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON: keep the text for the error message
		}
		return { status: response.status, body: parsed as T, headers: response.headers };
	}

	/** The public API; throws with n8n's message on anything but 2xx. */
	async api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await this.request<T>(method, `/api/v1${path}`, body);
		if (response.status >= 300) {
			throw new Error(
				`${method} /api/v1${path} -> ${response.status}: ${JSON.stringify(response.body)}`,
			);
		}
		return response.body;
	}

	private keepCookie(headers: Headers) {
		const cookies = headers.getSetCookie();
		const auth = cookies.find((cookie) => cookie.startsWith('n8n-auth='));
		if (auth) this.cookie = auth.split(';')[0];
	}

	/** Creates the owner account on a new instance, or logs in on an existing one. */
	async ownerOrLogin(owner: {
		email: string;
		firstName: string;
		lastName: string;
		password: string;
	}) {
		await this.untilRestRoutesAnswer();
		const setup = await this.request<{ message?: string }>(
			'POST',
			'/rest/owner/setup',
			owner,
			'cookie',
		);
		if (setup.status === 200) {
			this.keepCookie(setup.headers);
			log(`Created the n8n owner ${owner.email}`);
			await this.readVersion();
			return;
		}
		const login = await this.request<{ message?: string }>(
			'POST',
			'/rest/login',
			{ emailOrLdapLoginId: owner.email, password: owner.password },
			'cookie',
		);
		if (login.status !== 200) {
			throw new Error(
				`Cannot set up or log in as ${owner.email}: setup ${setup.status} ${JSON.stringify(setup.body)}, login ${login.status} ${JSON.stringify(login.body)}. Start with --fresh to recreate n8n's database.`,
			);
		}
		this.keepCookie(login.headers);
		await this.readVersion();
	}

	/**
	 * n8n answers /healthz/readiness while it is still registering its REST routes (measured on
	 * 1.123: /rest/settings, registered last, answered 404 at first), so wait for that one.
	 */
	private async untilRestRoutesAnswer() {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const settings = await this.request('GET', '/rest/settings', undefined, 'cookie');
			if (settings.status === 200) return;
			if (Date.now() > deadline) {
				throw new Error(`n8n's /rest/settings still answers ${settings.status} after 60 s`);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/** The signed-in owner's settings carry n8n's version; the public ones do not. */
	private async readVersion() {
		const settings = await this.request<{ data?: { versionCli?: string } }>(
			'GET',
			'/rest/settings',
			undefined,
			'cookie',
		);
		this.version = settings.body?.data?.versionCli ?? '';
		if (!/^\d+\./.test(this.version)) {
			throw new Error(`n8n's /rest/settings gave no version (${settings.status})`);
		}
	}

	/** Reuses the key saved in stateFile if n8n still accepts it, else creates one. */
	async ensureApiKey(stateFile: string) {
		if (existsSync(stateFile)) {
			const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { apiKey?: string };
			if (saved.apiKey) {
				this.apiKey = saved.apiKey;
				const check = await this.request('GET', '/api/v1/workflows?limit=1');
				if (check.status === 200) return;
			}
		}
		const created = await this.request<{ data: { rawApiKey: string } }>(
			'POST',
			'/rest/api-keys',
			{
				label: `croncrm-stack-${Date.now()}`,
				scopes:
					this.major < 2
						? API_KEY_SCOPES.filter((scope) => !SCOPES_NEW_IN_2X.includes(scope))
						: API_KEY_SCOPES,
				expiresAt: null,
			},
			'cookie',
		);
		if (created.status !== 200) {
			throw new Error(
				`Creating an API key failed: ${created.status} ${JSON.stringify(created.body)}`,
			);
		}
		this.apiKey = created.body.data.rawApiKey;
		mkdirSync(dirname(stateFile), { recursive: true });
		writeFileSync(stateFile, JSON.stringify({ apiKey: this.apiKey }, null, 2));
	}

	/** Creates the credential, or updates the one with that name (the sandbox URL may have moved). */
	async upsertCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<string> {
		if (this.major < 2) return await this.upsertCredential1x(name, type, data);
		const list = await this.api<{ data: Array<{ id: string; name: string; type: string }> }>(
			'GET',
			'/credentials?limit=250',
		);
		const existing = list.data.find(
			(credential) => credential.name === name && credential.type === type,
		);
		if (existing) {
			await this.api('PATCH', `/credentials/${existing.id}`, { name, type, data });
			return existing.id;
		}
		const created = await this.api<{ id: string }>('POST', '/credentials', { name, type, data });
		return created.id;
	}

	/**
	 * n8n 1.x: its public API cannot list or update credentials, so those go through the
	 * owner's session; creating wants `allowedHttpRequestDomains` (shown in 1.x's credential
	 * form for HTTP Request use; "all" is its default).
	 */
	private async upsertCredential1x(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<string> {
		const list = await this.request<{ data: Array<{ id: string; name: string; type: string }> }>(
			'GET',
			'/rest/credentials',
			undefined,
			'cookie',
		);
		if (list.status !== 200) {
			throw new Error(`GET /rest/credentials -> ${list.status}: ${JSON.stringify(list.body)}`);
		}
		const existing = list.body.data.find(
			(credential) => credential.name === name && credential.type === type,
		);
		const withDomains = { allowedHttpRequestDomains: 'all', ...data };
		if (existing) {
			const updated = await this.request(
				'PATCH',
				`/rest/credentials/${existing.id}`,
				{ name, type, data: withDomains },
				'cookie',
			);
			if (updated.status !== 200) {
				throw new Error(
					`PATCH /rest/credentials/${existing.id} -> ${updated.status}: ${JSON.stringify(updated.body)}`,
				);
			}
			return existing.id;
		}
		const created = await this.api<{ id: string }>('POST', '/credentials', {
			name,
			type,
			data: withDomains,
		});
		return created.id;
	}

	async listWorkflows(): Promise<WorkflowSummary[]> {
		const list = await this.api<{ data: WorkflowSummary[] }>('GET', '/workflows?limit=250');
		return list.data;
	}

	async createWorkflow(definition: {
		name: string;
		nodes: unknown[];
		connections: unknown;
		settings?: unknown;
	}): Promise<WorkflowSummary> {
		return await this.api<WorkflowSummary>('POST', '/workflows', {
			name: definition.name,
			nodes: definition.nodes,
			connections: definition.connections,
			settings: definition.settings ?? { executionOrder: 'v1' },
		});
	}

	/** PUT: replaces nodes and connections; n8n re-activates an active workflow's triggers. */
	async updateWorkflow(
		id: string,
		definition: { name: string; nodes: unknown[]; connections: unknown; settings?: unknown },
	): Promise<WorkflowSummary> {
		return await this.api<WorkflowSummary>('PUT', `/workflows/${id}`, {
			name: definition.name,
			nodes: definition.nodes,
			connections: definition.connections,
			settings: definition.settings ?? { executionOrder: 'v1' },
		});
	}

	async activate(id: string) {
		return await this.api<WorkflowSummary>('POST', `/workflows/${id}/activate`);
	}

	async deactivate(id: string) {
		return await this.api<WorkflowSummary>('POST', `/workflows/${id}/deactivate`);
	}

	async deleteWorkflow(id: string) {
		return await this.api('DELETE', `/workflows/${id}`);
	}

	/** n8n's internal REST API (/rest) as the editor calls it, with the owner's session. */
	async rest<T = Record<string, unknown>>(
		method: string,
		path: string,
		body?: unknown,
	): Promise<T> {
		const response = await this.request<{ data: T }>(method, `/rest${path}`, body, 'cookie');
		if (response.status >= 300) {
			throw new Error(
				`${method} /rest${path} -> ${response.status}: ${JSON.stringify(response.body)}`,
			);
		}
		return response.body.data;
	}

	/**
	 * Why n8n could not activate the workflow (the editor's warning), or undefined. n8n 2.x
	 * publishes in the background and keeps each trigger's outcome (publication-status); older
	 * versions keep the activation error (active-workflows/error).
	 */
	async activationError(id: string): Promise<string | undefined> {
		const publication = await this.request<{
			data?: { triggers?: Array<{ status?: string; errorMessage?: string | null }> };
		}>('GET', `/rest/workflows/${id}/publication-status`, undefined, 'cookie');
		const failed = publication.body?.data?.triggers?.find((t) => t.errorMessage)?.errorMessage;
		if (failed) return failed;
		const response = await this.request<{ data?: unknown }>(
			'GET',
			`/rest/active-workflows/error/${id}`,
			undefined,
			'cookie',
		);
		if (response.status !== 200) {
			throw new Error(
				`GET /rest/active-workflows/error/${id} -> ${response.status}: ${JSON.stringify(response.body)}`,
			);
		}
		const error = response.body?.data;
		return typeof error === 'string' && error !== '' ? error : undefined;
	}

	/** One execution with its data (n8n 1.x lists no waiting execution, but shows it here). */
	async execution(id: string | number): Promise<Execution> {
		return await this.api<Execution>('GET', `/executions/${id}?includeData=true`);
	}

	/** n8n's Stop (2.x public API): a running execution ends as canceled. */
	async stopExecution(id: string | number): Promise<Execution> {
		return await this.api<Execution>('POST', `/executions/${id}/stop`);
	}

	/** n8n's Retry: runs a failed execution again from the node that failed; the new execution. */
	async retryExecution(id: string | number): Promise<Execution> {
		return await this.api<Execution>('POST', `/executions/${id}/retry`, { loadWorkflow: false });
	}

	async executions(workflowId: string): Promise<Execution[]> {
		const list = await this.api<{ data: Execution[] }>(
			'GET',
			`/executions?workflowId=${workflowId}&includeData=true&limit=100`,
		);
		return list.data;
	}
}
