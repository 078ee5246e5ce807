/**
 * The README's quick start as a newcomer meets it: in a fresh clone (no .cache/, no node_modules,
 * no n8n user folder), `npm run dev` until it prints Ready; log in with the login it printed, open
 * the workflows it printed, use the published examples; Ctrl-C; start again and find everything
 * kept; Ctrl-C. Everything the tests use comes from what `npm run dev` printed.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { chromium, selectors, type BrowserContext } from 'playwright-core';

import { SEED } from '../../sandbox/handlers/seed';
import { CHROMIUM_ARGS, freshProfileDir } from '../../scripts/lib/browser';
import { cleanEnv } from '../../scripts/lib/install';
import { callWebhook, eventually, fireHook, Suite } from './harness';

export interface NewcomerOptions {
	/** The fresh clone. */
	clone: string;
	ports: { n8n: number; broker: number; sandbox: number };
	/** Headless Chromium for the canvas check; without it that test is left out. */
	chromiumPath?: string;
	/** Where the two runs' output and the screenshot go. */
	artifacts: string;
}

/** What `npm run dev` printed once it was ready. */
export interface Banner {
	n8nUrl: string;
	email: string;
	password: string;
	workflows: Array<{ url: string; id: string; name: string; published: boolean }>;
	sandboxOrigin: string;
	readySeconds: number;
}

const READY = /Ready in (\d+) s\./;

/** Reads the Ready banner; throws naming what is missing. */
export function parseBanner(output: string): Banner {
	const field = (what: string, pattern: RegExp) => {
		const match = pattern.exec(output);
		if (!match) throw new Error(`npm run dev printed no ${what}`);
		return match;
	};
	const n8nUrl = field('n8n editor URL', /n8n editor\s+(http\S+)/)[1];
	const [, email, password] = field('login', /login\s+(\S+@\S+)\s+\/\s+(\S+)/);
	const workflows = [
		...output.matchAll(/(http\S+\/workflow\/(\S+))\s+(.+?)( \(published\))?\s*$/gm),
	].map(([, url, id, name, published]) => ({ url, id, name, published: !!published }));
	const sandboxOrigin = field('sandbox URL', /sandbox\s+(http\S+?)\/__sandbox\/state/)[1];
	const readySeconds = Number(field('Ready line', READY)[1]);
	return { n8nUrl, email, password, workflows, sandboxOrigin, readySeconds };
}

/** The examples the README says `npm run dev` publishes. */
const PUBLISHED_EXAMPLES = [
	'CRONCRM: auto-reply to a received message',
	'CRONCRM: lead capture',
	'CRONCRM: chatbot that answers each burst once',
];

/** One `npm run dev` in the clone, in its own process group, as a terminal runs it. */
class DevRun {
	readonly child: ChildProcess;

	output = '';

	private exitCode: number | null | undefined;

	constructor(
		clone: string,
		ports: NewcomerOptions['ports'],
		logFile: string,
		readonly startedAt = Date.now(),
	) {
		// A newcomer's shell: none of the npm_* variables `npm test` set, no n8n line chosen.
		const env = cleanEnv();
		delete env.CRONCRM_N8N_LINE;
		const log = createWriteStream(logFile);
		this.child = spawn(
			'npm',
			[
				'run',
				'dev',
				'--',
				'--port',
				String(ports.n8n),
				'--broker-port',
				String(ports.broker),
				'--sandbox-port',
				String(ports.sandbox),
			],
			{ cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
		);
		const onOutput = (chunk: Buffer) => {
			this.output += chunk.toString();
			log.write(chunk);
		};
		this.child.stdout!.on('data', onOutput);
		this.child.stderr!.on('data', onOutput);
		this.child.on('exit', (code) => {
			this.exitCode = code;
			log.end();
		});
	}

	get pgid(): number {
		return this.child.pid!;
	}

	async ready(timeoutMs: number): Promise<Banner> {
		const deadline = Date.now() + timeoutMs;
		while (!READY.test(this.output)) {
			if (this.exitCode !== undefined) {
				throw new Error(
					`npm run dev exited (${this.exitCode}) before Ready. Its last output:\n${this.output.slice(-3000)}`,
				);
			}
			if (Date.now() > deadline) {
				throw new Error(
					`npm run dev printed no Ready within ${timeoutMs / 1000} s. Its last output:\n${this.output.slice(-3000)}`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		return parseBanner(this.output);
	}

	/** Ctrl-C: SIGINT to the whole foreground process group. */
	interrupt(signal: NodeJS.Signals = 'SIGINT') {
		try {
			process.kill(-this.pgid, signal);
		} catch {
			// already gone
		}
	}

	groupAlive(): boolean {
		try {
			process.kill(-this.pgid, 0);
			return true;
		} catch {
			return false;
		}
	}
}

function accepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect({ port, host: '127.0.0.1' });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Processes whose working directory is inside the clone (n8n and its runners run in its .cache). */
export function processesIn(dir: string): number[] {
	if (process.platform !== 'linux') return [];
	const found: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		try {
			const cwd = readlinkSync(`/proc/${entry}/cwd`);
			if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(Number(entry));
		} catch {
			// gone, or not ours to read
		}
	}
	return found;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
	const response = await fetch(url, init);
	assert.ok(response.ok, `${init?.method ?? 'GET'} ${url} -> ${response.status}`);
	return (await response.json()) as T;
}

interface RestWorkflow {
	id: string;
	name: string;
	active: boolean;
	nodes: Array<{ name: string; type: string }>;
}

export function newcomerSuite(options: NewcomerOptions): Suite & { cleanUp(): Promise<void> } {
	const suite = new Suite(`Newcomer: npm run dev on a fresh clone (${options.clone})`);
	const { clone, ports } = options;
	let dev: DevRun | undefined;
	let firstRun: Banner | undefined;
	/** What the first run printed; the tests after it fail at once without it. */
	const first = () => {
		assert.ok(firstRun, 'the first npm run dev never printed Ready');
		return firstRun;
	};
	let cookie = '';
	const timings: string[] = [];

	async function start(run: number): Promise<Banner> {
		dev = new DevRun(clone, ports, join(options.artifacts, `npm-run-dev-${run}.log`));
		// First run: npm ci and the build; the n8n install cache may be cold (several minutes).
		const banner = await dev.ready(15 * 60_000);
		timings.push(
			`run ${run}: Ready after ${Math.round((Date.now() - dev.startedAt) / 1000)} s (dev said ${banner.readySeconds} s)`,
		);
		return banner;
	}

	/** Ctrl-C, then everything it started must be gone within 30 s. */
	async function stopAndCheck(run: number) {
		assert.ok(dev, 'npm run dev is running');
		const running = dev;
		// What must stop is there now, so the checks below can fail.
		assert.ok(running.groupAlive(), 'the process group of npm run dev runs');
		for (const port of [ports.n8n, ports.sandbox])
			assert.ok(await accepts(port), `nothing listens on ${port} before Ctrl-C`);
		if (process.platform === 'linux')
			assert.ok(processesIn(clone).length > 0, 'no process runs in the clone before Ctrl-C');
		const since = Date.now();
		running.interrupt();
		await eventually(
			'npm run dev, n8n and the sandbox to stop after Ctrl-C',
			async () => {
				if (running.groupAlive()) return undefined;
				for (const port of [ports.n8n, ports.broker, ports.sandbox])
					if (await accepts(port)) return undefined;
				if (processesIn(clone).length) return undefined;
				return true;
			},
			30_000,
			250,
		);
		timings.push(`run ${run}: stopped ${((Date.now() - since) / 1000).toFixed(1)} s after Ctrl-C`);
		assert.match(running.output, /Stopping n8n and the sandbox/);
		dev = undefined;
	}

	async function login(banner: Banner) {
		const response = await fetch(`${banner.n8nUrl}/rest/login`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'browser-id': 'croncrm-newcomer' },
			body: JSON.stringify({ emailOrLdapLoginId: banner.email, password: banner.password }),
		});
		assert.equal(response.status, 200, `login as ${banner.email}: ${await response.text()}`);
		const auth = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		assert.ok(auth, 'n8n set its auth cookie');
		cookie = auth.split(';')[0];
	}

	async function openWorkflow(banner: Banner, id: string): Promise<RestWorkflow> {
		const { data } = await json<{ data: RestWorkflow }>(`${banner.n8nUrl}/rest/workflows/${id}`, {
			headers: { Cookie: cookie, 'browser-id': 'croncrm-newcomer' },
		});
		return data;
	}

	/** The published examples do their job: a received message is answered, a lead is created. */
	async function useExamples(banner: Banner, lead: { name: string; phone: string }) {
		const since = Date.now();
		const chat = '5521990000007@c.us';
		await eventually('the auto-reply trigger to accept an event', async () => {
			const fired = await fireHook(banner.sandboxOrigin, {
				instance: SEED.instances.sales,
				hook: 'onReceived',
				payload: { chat: { chat_wid: chat }, message: { message_body: 'Oi, tudo bem?' } },
			});
			return fired.delivered ? true : undefined;
		});
		const reply = await callWebhook(banner.n8nUrl, 'croncrm-lead-capture', {
			...lead,
			email: 'newcomer@example.com',
		});
		assert.equal(reply.status, 200);
		const sent = await eventually('the auto-reply and the welcome message', async () => {
			const requests = await json<
				Array<{ at: number; route: string; body: { chat_wid?: string; message?: string } }>
			>(`${banner.sandboxOrigin}/__sandbox/requests`);
			const texts = requests.filter(
				(r) => r.at >= since && r.route === 'POST /messages/send-message-text',
			);
			return texts.length >= 2 ? texts : undefined;
		});
		const autoReply = sent.find((r) => r.body.chat_wid === chat);
		assert.match(String(autoReply?.body.message), /^Olá! Recebemos sua mensagem/);
		assert.ok(sent.some((r) => /^Olá, \w+! Que bom ter você/.test(String(r.body.message))));
	}

	suite.test('the clone is fresh: no .cache, node_modules or n8n user folder', async () => {
		for (const path of ['.cache', 'node_modules', 'dist'])
			assert.ok(!existsSync(join(clone, path)), `${path} exists in the fresh clone`);
		await Promise.resolve();
	});

	suite.test('npm run dev prints Ready, the editor URL, the login and the workflows', async () => {
		firstRun = await start(1);
		const printed = first();
		assert.equal(printed.n8nUrl, `http://localhost:${ports.n8n}`);
		assert.equal(printed.sandboxOrigin, `http://127.0.0.1:${ports.sandbox}`);
		assert.ok(printed.workflows.length >= 4, `workflows printed: ${printed.workflows.length}`);
		for (const name of PUBLISHED_EXAMPLES) {
			const workflow = printed.workflows.find((w) => w.name === name);
			assert.ok(workflow?.published, `"${name}" printed as published`);
		}
	});

	suite.test('the printed login signs in to n8n', async () => {
		await login(first());
	});

	suite.test(
		'each printed workflow opens with its CRONCRM nodes; the trigger and webhook examples are published',
		async () => {
			const banner = first();
			for (const printed of banner.workflows) {
				assert.equal(printed.url, `${banner.n8nUrl}/workflow/${printed.id}`);
				const workflow = await openWorkflow(banner, printed.id);
				assert.equal(workflow.name, printed.name);
				const croncrm = workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-croncrm.'));
				assert.ok(croncrm.length > 0, `"${printed.name}" has no CRONCRM node`);
				assert.equal(workflow.active, PUBLISHED_EXAMPLES.includes(printed.name), printed.name);
			}
		},
	);

	suite.test(
		'the published examples work: a received message gets the auto-reply, the lead form creates a lead',
		async () => {
			const banner = first();
			await useExamples(banner, { name: 'Joana Newcomer', phone: '+55 21 99000-0077' });
			const state = await json<{ leads: Array<{ full_name?: string }> }>(
				`${banner.sandboxOrigin}/__sandbox/state`,
			);
			assert.ok(state.leads.some((l) => l.full_name === 'Joana Newcomer'));
		},
	);

	if (options.chromiumPath) {
		const chromiumPath = options.chromiumPath;
		suite.test(
			'the printed workflow URL shows its nodes on the canvas, with readable subtitles',
			async () => {
				const banner = first();
				const autoReply = banner.workflows.find((w) => w.name === PUBLISHED_EXAMPLES[0]);
				assert.ok(autoReply);
				const profile = freshProfileDir();
				selectors.setTestIdAttribute('data-test-id');
				const context: BrowserContext = await chromium.launchPersistentContext(profile, {
					executablePath: chromiumPath,
					headless: true,
					args: CHROMIUM_ARGS,
					viewport: { width: 1440, height: 900 },
				});
				context.setDefaultTimeout(30_000);
				const page = context.pages()[0] ?? (await context.newPage());
				try {
					// As a newcomer: the printed URL, n8n's sign-in page, the printed login, the workflow.
					await page.goto(autoReply.url);
					await page.getByTestId('emailOrLdapLoginId').locator('input').fill(banner.email);
					await page.getByTestId('password').locator('input').fill(banner.password);
					await page.getByTestId('form-submit-button').click();
					await page.waitForURL((url) => !url.pathname.includes('signin'));
					if (!page.url().includes(`/workflow/${autoReply.id}`)) await page.goto(autoReply.url);
					await page.getByText('Send Auto-Reply', { exact: true }).waitFor();
					await page.getByText('On Message Received', { exact: true }).waitFor();
					await page.getByText('Send Text: Message', { exact: true }).waitFor();
					await page.getByText('Message Received', { exact: true }).waitFor();
				} finally {
					await page.screenshot({ path: join(options.artifacts, 'auto-reply-canvas.png') });
					await context.close();
					rmSync(profile, { recursive: true, force: true });
				}
			},
		);
	}

	suite.test('Ctrl-C stops npm run dev, n8n and the sandbox', async () => {
		await stopAndCheck(1);
	});

	suite.test(
		'a second npm run dev keeps the workflows, their publication and the sandbox records',
		async () => {
			const second = await start(2);
			assert.deepEqual(
				second.workflows.map((w) => [w.id, w.name, w.published]),
				first().workflows.map((w) => [w.id, w.name, w.published]),
			);
			const state = await json<{ leads: Array<{ full_name?: string }> }>(
				`${second.sandboxOrigin}/__sandbox/state`,
			);
			assert.ok(
				state.leads.some((l) => l.full_name === 'Joana Newcomer'),
				'the lead created in the first run is gone',
			);
			await login(second);
			for (const printed of second.workflows) {
				const workflow = await openWorkflow(second, printed.id);
				assert.equal(workflow.active, PUBLISHED_EXAMPLES.includes(printed.name), printed.name);
			}
			// The trigger's URL survived in the sandbox's slot: events still start the workflow.
			await useExamples(second, { name: 'Pedro Segundo', phone: '+55 21 99000-0078' });
		},
	);

	suite.test('Ctrl-C stops the second run too', async () => {
		await stopAndCheck(2);
		console.log(timings.map((t) => `       ${t}`).join('\n'));
	});

	return Object.assign(suite, {
		/** After a failure: stop whatever is still running from the clone, by process id. */
		async cleanUp() {
			dev?.interrupt();
			await new Promise((resolve) => setTimeout(resolve, 5_000));
			dev?.interrupt('SIGKILL');
			for (const pid of processesIn(clone)) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
		},
	});
}
