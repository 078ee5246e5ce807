/**
 * The stack both `npm run dev` and `npm run test:e2e` start: this package built and packed,
 * the CRONCRM sandbox with demo records, and a real n8n (Node 24, SQLite) with the packed
 * package installed as a community package, an owner, a public-API key, a CRONCRM credential
 * pointing at the sandbox and the example workflows.
 */
import { spawn, type ChildProcess } from 'child_process';
import {
	createWriteStream,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'fs';
import { dirname, join, resolve } from 'path';

import { seed } from '../../sandbox/handlers/seed';
import { createSandbox, DEFAULT_API_KEY, type Sandbox } from '../../sandbox/server';
import { cleanEnv, ensureRuntime, log, run, type Runtime } from './install';
import { N8nClient, type WorkflowSummary } from './n8n-client';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-croncrm';
export const CREDENTIAL_NAME = 'CRONCRM sandbox';
/** Placeholder the example workflows use for the credential id; replaced on import. */
export const CREDENTIAL_PLACEHOLDER = 'CRONCRM_CREDENTIAL_ID';

export const OWNER = {
	email: 'owner@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'CronCrm-demo-1',
};

export interface StackOptions {
	n8nPort: number;
	/** n8n 2.x starts a task broker for its code runners; it must not clash with another n8n. */
	brokerPort: number;
	sandboxPort: number;
	/** N8N_USER_FOLDER: n8n's database, settings and installed community packages. */
	userFolder: string;
	/** Start from an empty n8n (a new database) instead of reusing userFolder. */
	fresh: boolean;
	/** Where n8n's output goes. */
	logFile: string;
	/** Import examples/workflows/*.json. */
	importExamples: boolean;
	/**
	 * Publish (activate) these examples, by file name, when they are imported: their triggers then
	 * register with the sandbox. Only `npm run dev`; the e2e suites publish examples themselves.
	 */
	publishExamples?: string[];
	/** Extra demo tags in the sandbox, so lists span several pages. */
	extraTags?: number;
	/** Print n8n's output to the console as well as the log file. */
	echoN8nLog?: boolean;
	/**
	 * Keep the sandbox's account in this file across runs (seeded only when it does not exist;
	 * `fresh` removes it). Without it the sandbox starts seeded and forgets everything on stop.
	 */
	sandboxStateFile?: string;
}

export interface Stack {
	runtime: Runtime;
	sandbox: Sandbox;
	n8n: N8nClient;
	n8nUrl: string;
	credentialId: string;
	workflows: Array<{ id: string; name: string; file: string; published: boolean }>;
	timings: Record<string, number>;
	/**
	 * Stops n8n and starts it again on the same database; with a sandbox state file, the sandbox
	 * too (from that file). As Ctrl-C and `npm run dev` again do. `sandbox` is then the new one.
	 */
	restart(): Promise<void>;
	stop(): Promise<void>;
}

function seconds(since: number) {
	return Math.round((Date.now() - since) / 100) / 10;
}

/** `npm run build` then `npm pack`: the tarball users would install. */
export async function buildAndPack(outDir: string): Promise<string> {
	log('Building the package (n8n-node build + codex files)');
	await run('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, env: cleanEnv(), quiet: true });
	mkdirSync(outDir, { recursive: true });
	for (const old of readdirSync(outDir)) if (old.endsWith('.tgz')) rmSync(join(outDir, old));
	await run('npm', ['pack', '--silent', '--pack-destination', outDir], {
		cwd: REPO_ROOT,
		env: cleanEnv(),
		quiet: true,
	});
	const tarball = readdirSync(outDir).find((file) => file.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no tarball into ${outDir}`);
	log(`Packed ${tarball}`);
	return join(outDir, tarball);
}

/**
 * Installs the tarball the way n8n installs a community package (CommunityPackagesService
 * .downloadPackage in n8n 2.x): unpacked into <user folder>/.n8n/nodes/node_modules/<name>,
 * dev/peer/optional dependencies dropped, its own dependencies installed shallowly without
 * scripts, and recorded in nodes/package.json. n8n loads every package in that folder.
 */
export async function installCommunityPackage(
	userFolder: string,
	tarball: string,
	runtime: Runtime,
) {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', PACKAGE_NAME);
	mkdirSync(nodesDir, { recursive: true });
	const nodesPackageJson = join(nodesDir, 'package.json');
	const nodesPackage = existsSync(nodesPackageJson)
		? (JSON.parse(readFileSync(nodesPackageJson, 'utf8')) as {
				dependencies: Record<string, string>;
			})
		: { name: 'installed-nodes', private: true, dependencies: {} as Record<string, string> };
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], { cwd: nodesDir });
	const manifestPath = join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		readFileSync(manifestPath, 'utf8'),
	) as Record<string, unknown>;
	void devDependencies;
	void peerDependencies;
	void optionalDependencies;
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	await run(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: packageDir, env: runtime.env, quiet: true },
	);
	nodesPackage.dependencies[PACKAGE_NAME] = String(manifest.version);
	writeFileSync(nodesPackageJson, JSON.stringify(nodesPackage, null, 2));
	log(
		`Installed ${PACKAGE_NAME}@${String(manifest.version)} as a community package in ${nodesDir}`,
	);
}

/**
 * n8n 2.x runs with its SSRF protection on, as careful admins (and n8n 3.0's stricter defaults)
 * run it, allowing only the sandbox's address. n8n 1.x has no SSRF protection.
 */
export const SSRF_SETTINGS = {
	N8N_SSRF_PROTECTION_ENABLED: 'true',
	N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32',
} as const;

export function n8nEnvironment(options: StackOptions, runtime: Runtime): NodeJS.ProcessEnv {
	return {
		...runtime.env,
		...(Number(runtime.n8nVersion.split('.')[0]) >= 2 ? SSRF_SETTINGS : {}),
		N8N_USER_FOLDER: options.userFolder,
		N8N_PORT: String(options.n8nPort),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://localhost:${options.n8nPort}/`,
		// WEBHOOK_URL is the variable n8n documents and the one 1.x reads (2.x reads both); without
		// it 1.x registers http://localhost:<port>/ in CRONCRM's slots.
		WEBHOOK_URL: `http://127.0.0.1:${options.n8nPort}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${options.n8nPort}/`,
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// The list of vetted packages lives on api.n8n.io; nothing here needs it.
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
		N8N_PROXY_HOPS: '0',
	};
}

/** How to start an n8n process other than `n8n start` (queue mode: `worker`, `webhook`). */
export interface N8nProcessOverrides {
	/** n8n's command and flags, e.g. ['worker', '--concurrency=5']. */
	args?: string[];
	env?: NodeJS.ProcessEnv;
	/** Answers 200 once the process is ready (a worker's is on its health-check port). */
	readyUrl?: string;
}

/** Starts n8n and resolves once its REST API (or `overrides.readyUrl`) answers. */
export async function startN8n(
	options: Pick<StackOptions, 'logFile' | 'userFolder' | 'n8nPort' | 'echoN8nLog'>,
	runtime: Runtime,
	overrides: N8nProcessOverrides = {},
): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
	mkdirSync(dirname(options.logFile), { recursive: true });
	const logStream = createWriteStream(options.logFile, { flags: 'a' });
	const child = spawn(runtime.node, [runtime.n8nBin, ...(overrides.args ?? ['start'])], {
		cwd: options.userFolder,
		env: overrides.env ?? n8nEnvironment(options as StackOptions, runtime),
		stdio: ['ignore', 'pipe', 'pipe'],
		// Its own process group: stopping it also stops the task runners it spawned.
		detached: process.platform !== 'win32',
	});
	let tail = '';
	const onOutput = (chunk: Buffer) => {
		logStream.write(chunk);
		tail = (tail + chunk.toString()).slice(-6000);
		if (options.echoN8nLog) process.stdout.write(chunk);
	};
	child.stdout!.on('data', onOutput);
	child.stderr!.on('data', onOutput);
	const exited = new Promise<number | null>((resolveExit) =>
		child.on('exit', (code) => {
			logStream.end();
			resolveExit(code);
		}),
	);
	let exitCode: number | null | undefined;
	void exited.then((code) => (exitCode = code ?? -1));
	const url = overrides.readyUrl ?? `http://127.0.0.1:${options.n8nPort}/healthz/readiness`;
	const deadline = Date.now() + 240_000;
	for (;;) {
		if (exitCode !== undefined) {
			throw new Error(`n8n exited (${exitCode}) while starting. Last output:\n${tail}`);
		}
		try {
			const response = await fetch(url);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			stopProcessGroup(child);
			throw new Error(`n8n did not become ready within 240 s. Last output:\n${tail}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	return { child, exited };
}

export function stopProcessGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
	if (child.exitCode !== null || child.pid === undefined) return;
	try {
		if (process.platform === 'win32') child.kill(signal);
		else process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

interface ExampleWorkflow {
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

export function readExampleWorkflows(): Array<ExampleWorkflow & { file: string }> {
	const dir = join(REPO_ROOT, 'examples', 'workflows');
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({
			...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as ExampleWorkflow),
			file,
		}));
}

/** Points every CRONCRM credential reference at the given credential. */
/** An example as it is imported: this stack's credential, and its n8n URL in the notes. */
export function forThisStack<T extends { nodes: Array<Record<string, unknown>> }>(
	workflow: T,
	credentialId: string,
	n8nUrl: string,
): T {
	const text = JSON.stringify(workflow)
		.split(CREDENTIAL_PLACEHOLDER)
		.join(credentialId)
		.split(EXAMPLES_N8N_URL)
		.join(n8nUrl);
	return JSON.parse(text) as T;
}

/** The n8n URL the examples' notes are written for (npm run dev's default). */
const EXAMPLES_N8N_URL = 'http://localhost:5678';

export async function startStack(options: StackOptions): Promise<Stack> {
	const timings: Record<string, number> = {};
	const cleanups: Array<() => Promise<void> | void> = [];
	const stop = async () => {
		for (const cleanup of cleanups.reverse()) await cleanup();
		cleanups.length = 0;
	};
	try {
		let started = Date.now();
		const [runtime, tarball] = await Promise.all([
			ensureRuntime(),
			// Per checkout: two clones testing at once must not install each other's tarball.
			buildAndPack(join(REPO_ROOT, '.cache', 'pack')),
		]);
		timings.installAndBuild = seconds(started);

		const stateFile = options.sandboxStateFile;
		if (stateFile && options.fresh) rmSync(stateFile, { force: true });
		const restoring = !!stateFile && existsSync(stateFile);
		const startSandbox = async () =>
			await createSandbox({
				port: options.sandboxPort,
				rateLimit: { limit: 50, windowMs: 10_000 },
				stateFile,
			});
		let sandbox = await startSandbox();
		cleanups.push(() => sandbox.close());
		if (restoring) {
			log(`CRONCRM sandbox on ${sandbox.url} (key ${DEFAULT_API_KEY}), state kept in ${stateFile}`);
		} else {
			const counts = seed(sandbox, { extraTags: options.extraTags });
			sandbox.save();
			log(
				`CRONCRM sandbox on ${sandbox.url} (key ${DEFAULT_API_KEY}), seeded ${JSON.stringify(counts)}`,
			);
		}

		if (options.fresh) rmSync(options.userFolder, { recursive: true, force: true });
		mkdirSync(options.userFolder, { recursive: true });
		await installCommunityPackage(options.userFolder, tarball, runtime);

		started = Date.now();
		log(`Starting n8n on http://localhost:${options.n8nPort} (log: ${options.logFile})`);
		let n8nProcess = await startN8n(options, runtime);
		// If this script dies without cleaning up, n8n (its own process group) must not outlive it.
		const onExit = () => stopProcessGroup(n8nProcess.child, 'SIGKILL');
		process.on('exit', onExit);
		const stopN8n = async () => {
			const { child, exited } = n8nProcess;
			stopProcessGroup(child);
			const timeout = setTimeout(() => stopProcessGroup(child, 'SIGKILL'), 15_000);
			await exited;
			clearTimeout(timeout);
		};
		cleanups.push(async () => {
			process.off('exit', onExit);
			await stopN8n();
		});
		const restart = async () => {
			const restarted = Date.now();
			await stopN8n();
			if (stateFile) {
				await sandbox.close();
				sandbox = await startSandbox();
				stack.sandbox = sandbox;
			}
			n8nProcess = await startN8n(options, runtime);
			timings.restart = seconds(restarted);
			log(`n8n${stateFile ? ' and the sandbox' : ''} restarted in ${timings.restart} s`);
		};
		timings.n8nStart = seconds(started);
		log(`n8n ready in ${timings.n8nStart} s`);

		const n8nUrl = `http://localhost:${options.n8nPort}`;
		const n8n = new N8nClient(`http://127.0.0.1:${options.n8nPort}`);
		await n8n.ownerOrLogin(OWNER);
		await n8n.ensureApiKey(join(options.userFolder, 'croncrm-dev.json'));

		const credentialId = await n8n.upsertCredential(CREDENTIAL_NAME, 'cronCrmApi', {
			apiKey: DEFAULT_API_KEY,
			baseUrl: sandbox.url,
			requestsPerWindow: 50,
			windowSeconds: 10,
		});

		const workflows: Stack['workflows'] = [];
		if (options.importExamples) {
			const existing = await n8n.listWorkflows();
			for (const example of readExampleWorkflows()) {
				const found = existing.find((workflow) => workflow.name === example.name);
				let workflow: WorkflowSummary;
				let imported = false;
				if (found) {
					workflow = found;
				} else {
					const { file, ...definition } = forThisStack(example, credentialId, n8nUrl);
					void file;
					workflow = await n8n.createWorkflow(definition);
					imported = true;
				}
				let published = workflow.active;
				// Published once, when imported: on a restart n8n publishes it again itself, and one
				// the user unpublished stays so.
				if (imported && options.publishExamples?.includes(example.file)) {
					try {
						await n8n.activate(workflow.id);
						published = true;
					} catch (error) {
						// A user's edit may have broken it; the editor still opens, with the reason here.
						log(`Could not publish "${example.name}": ${(error as Error).message}`);
					}
				}
				workflows.push({ id: workflow.id, name: example.name, file: example.file, published });
			}
			log(`Example workflows: ${workflows.map((w) => w.name).join(', ')}`);
		}
		const stack: Stack = {
			runtime,
			sandbox,
			n8n,
			n8nUrl,
			credentialId,
			workflows,
			timings,
			restart,
			stop,
		};
		return stack;
	} catch (error) {
		await stop();
		throw error;
	}
}
