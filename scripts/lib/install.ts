/**
 * Installs what the dev and end-to-end stacks need into a cache directory outside the
 * repository's tracked files: a Node 24 binary (n8n 2.x requires it; this project builds on
 * Node 20) and a pinned n8n. Each step writes a marker when it completes, so an interrupted
 * install resumes and a warm cache costs nothing.
 */
import { spawn } from 'child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';

export const N8N_VERSION = '2.41.1';
export const NODE_VERSION = '24.21.0';
/** Every n8n version asks for xlsx from a CDN; the registry's last release is equivalent. */
const N8N_OVERRIDES = { xlsx: '0.18.5' };

export const CACHE_DIR =
	process.env.CRONCRM_CACHE_DIR ??
	join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'n8n-nodes-croncrm');

export interface Runtime {
	/** The Node >= 24 binary n8n runs on. */
	node: string;
	/** Directory of that binary; goes first in PATH so n8n's task runner uses it too. */
	nodeBinDir: string;
	/** n8n's CLI entry, run as `<node> <n8nBin>`. */
	n8nBin: string;
	/** Environment for commands that compile native modules against Node 24. */
	env: NodeJS.ProcessEnv;
}

export function log(message: string) {
	console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

export function run(
	command: string,
	args: string[],
	options: { cwd: string; env?: NodeJS.ProcessEnv; quiet?: boolean },
): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
		});
		let output = '';
		child.stdout?.on('data', (chunk) => (output += chunk));
		child.stderr?.on('data', (chunk) => (output += chunk));
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0
				? resolve()
				: reject(
						new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`),
					),
		);
	});
}

function nodeMajor(version: string) {
	return Number(version.replace(/^v/, '').split('.')[0]);
}

/** A lock directory, so a dev stack and a test run started together do not install twice. */
async function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
	const lock = join(CACHE_DIR, `${name}.lock`);
	mkdirSync(CACHE_DIR, { recursive: true });
	for (let waited = 0; ; waited++) {
		try {
			mkdirSync(lock);
			writeFileSync(join(lock, 'pid'), String(process.pid));
			break;
		} catch {
			const owner = Number(readFileSync(join(lock, 'pid'), 'utf8').trim() || 0);
			if (owner && !isAlive(owner)) {
				rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (waited % 30 === 0) log(`waiting for another install (pid ${owner}) to finish ${name}...`);
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
	try {
		return await work();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

function isAlive(pid: number) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Node 24: the running Node if it already is >= 24, else the official binary from the npm registry. */
async function ensureNode(): Promise<string> {
	if (nodeMajor(process.version) >= 24) return process.execPath;
	const dir = join(CACHE_DIR, `node-${NODE_VERSION}`);
	const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
	const binary =
		process.platform === 'win32'
			? join(dir, 'node_modules', pkg, 'bin', 'node.exe')
			: join(dir, 'node_modules', pkg, 'bin', 'node');
	const marker = join(dir, '.complete');
	if (existsSync(marker) && existsSync(binary)) return binary;
	return withLock(`node-${NODE_VERSION}`, async () => {
		if (existsSync(marker) && existsSync(binary)) return binary;
		const started = Date.now();
		log(`Installing Node ${NODE_VERSION} (${pkg} from the npm registry, about 190 MB) into ${dir}`);
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }, null, 2));
		await run(
			'npm',
			[
				'install',
				'--no-audit',
				'--no-fund',
				'--ignore-scripts',
				'--no-save',
				`${pkg}@${NODE_VERSION}`,
			],
			{ cwd: dir, env: cleanEnv(), quiet: true },
		);
		if (!existsSync(binary)) throw new Error(`Node binary missing after install: ${binary}`);
		writeFileSync(marker, new Date().toISOString());
		log(`Node ${NODE_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
		return binary;
	});
}

/**
 * The environment without npm's per-run settings: under `npm run`, the project's .npmrc
 * (ignore-scripts=true) reaches children as npm_config_* and would silently skip the rebuild.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
	const env = { ...process.env };
	for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
	return env;
}

/** Environment with Node 24 first in PATH, and node-gyp pointed at Node 24's headers. */
function runtimeEnv(node: string): NodeJS.ProcessEnv {
	const binDir = join(node, '..');
	return {
		...cleanEnv(),
		PATH: `${binDir}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}`,
		// The machine's npmrc may point node-gyp at the system Node's headers (Node 20).
		npm_config_nodedir: join(binDir, '..'),
	};
}

async function ensureN8n(env: NodeJS.ProcessEnv): Promise<string> {
	const dir = join(CACHE_DIR, `n8n-${N8N_VERSION}`);
	const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const installed = join(dir, '.installed');
	const marker = join(dir, '.complete');
	if (existsSync(marker) && existsSync(bin)) return bin;
	return withLock(`n8n-${N8N_VERSION}`, async () => {
		if (existsSync(marker) && existsSync(bin)) return bin;
		mkdirSync(dir, { recursive: true });
		if (!existsSync(installed) || !existsSync(bin)) {
			const started = Date.now();
			log(
				`Installing n8n ${N8N_VERSION} into ${dir} (first run only: about 2.9 GB from the npm registry, 2-6 min)`,
			);
			writeFileSync(
				join(dir, 'package.json'),
				JSON.stringify(
					{ private: true, dependencies: { n8n: N8N_VERSION }, overrides: N8N_OVERRIDES },
					null,
					2,
				),
			);
			// Scripts are skipped: several optional native modules fail to build and n8n needs
			// only two of them, rebuilt below against Node 24.
			await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
				cwd: dir,
				env,
				quiet: true,
			});
			writeFileSync(installed, new Date().toISOString());
			log(`n8n installed in ${Math.round((Date.now() - started) / 1000)} s`);
		}
		const started = Date.now();
		log('Compiling n8n native modules (sqlite3, isolated-vm) for Node 24, ~1.5 min');
		await run('npm', ['rebuild', 'sqlite3', 'isolated-vm'], { cwd: dir, env, quiet: true });
		writeFileSync(marker, new Date().toISOString());
		log(`Native modules built in ${Math.round((Date.now() - started) / 1000)} s`);
		return bin;
	});
}

/** Node 24 and n8n, installed on first use. */
export async function ensureRuntime(): Promise<Runtime> {
	const node = await ensureNode();
	const env = runtimeEnv(node);
	const n8nBin = await ensureN8n(env);
	return { node, nodeBinDir: join(node, '..'), n8nBin, env };
}

// `tsx scripts/lib/install.ts` installs without starting anything (CI can warm its cache this way).
if (require.main === module) {
	const started = Date.now();
	ensureRuntime().then(
		(runtime) => log(`Ready in ${Math.round((Date.now() - started) / 1000)} s: ${runtime.n8nBin}`),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
