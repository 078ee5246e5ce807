/**
 * Installs what the dev and end-to-end stacks need into a cache directory outside the
 * repository's tracked files: a pinned n8n of the chosen line and the Node it runs on (for 2.x
 * a Node 24 binary, since this project builds on Node 20; for 1.x the running Node). Each step
 * writes a marker when it completes, so an interrupted install resumes and a warm cache costs
 * nothing.
 */
import { spawn } from 'child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';

export const NODE_VERSION = '24.21.0';

/** The n8n lines the stack can run; CRONCRM_N8N_LINE picks one (default 2). */
export const N8N_LINES = {
	'2': { version: '2.41.1', rebuild: ['sqlite3', 'isolated-vm'], env: {} },
	// The oldest line users still run. Its default `vm` expression engine needs isolated-vm on
	// Node >= 22 and exits on Node 20; the legacy engine runs on both.
	'1': { version: '1.123.81', rebuild: ['sqlite3'], env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
} as const;
export type N8nLine = keyof typeof N8N_LINES;

export function selectedLine(): N8nLine {
	const line = process.env.CRONCRM_N8N_LINE ?? '2';
	if (!(line in N8N_LINES)) {
		throw new Error(
			`CRONCRM_N8N_LINE=${line}: expected one of ${Object.keys(N8N_LINES).join(', ')}`,
		);
	}
	return line as N8nLine;
}

/** The n8n version `npm run dev` and the 2.x end-to-end run use. */
export const N8N_VERSION = N8N_LINES['2'].version;
/** Every n8n version asks for xlsx from a CDN; the registry's last release is equivalent. */
const N8N_OVERRIDES = { xlsx: '0.18.5' };

export const CACHE_DIR =
	process.env.CRONCRM_CACHE_DIR ??
	join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'n8n-nodes-croncrm');

export interface Runtime {
	/** The n8n version installed, e.g. 2.41.1. */
	n8nVersion: string;
	/** The Node binary n8n runs on (>= 24 for n8n 2.x). */
	node: string;
	/** Directory of that binary; goes first in PATH so n8n's task runner uses it too. */
	nodeBinDir: string;
	/** n8n's CLI entry, run as `<node> <n8nBin>`. */
	n8nBin: string;
	/** Environment for n8n and for compiling its native modules against that Node. */
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

async function ensureN8n(line: N8nLine, env: NodeJS.ProcessEnv, nodeMajorVersion: number) {
	const { version, rebuild } = N8N_LINES[line];
	// 1.x runs on the machine's Node: its native modules are built for that Node's major.
	const dir = join(
		CACHE_DIR,
		line === '2' ? `n8n-${version}` : `n8n-${version}-node${nodeMajorVersion}`,
	);
	const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const installed = join(dir, '.installed');
	const marker = join(dir, '.complete');
	if (existsSync(marker) && existsSync(bin)) return bin;
	return withLock(`n8n-${version}`, async () => {
		if (existsSync(marker) && existsSync(bin)) return bin;
		mkdirSync(dir, { recursive: true });
		if (!existsSync(installed) || !existsSync(bin)) {
			const started = Date.now();
			log(
				`Installing n8n ${version} into ${dir} (first run only: about ${line === '2' ? '2.9' : '1.8'} GB from the npm registry, 2-6 min)`,
			);
			writeFileSync(
				join(dir, 'package.json'),
				JSON.stringify(
					{ private: true, dependencies: { n8n: version }, overrides: N8N_OVERRIDES },
					null,
					2,
				),
			);
			// Scripts are skipped: several optional native modules fail to build and n8n needs
			// only the ones rebuilt below.
			await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
				cwd: dir,
				env,
				quiet: true,
			});
			writeFileSync(installed, new Date().toISOString());
			log(`n8n ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
		}
		const started = Date.now();
		log(
			`Compiling n8n's native modules (${rebuild.join(', ')}) for Node ${nodeMajorVersion}, 1-5 min`,
		);
		await run('npm', ['rebuild', ...rebuild], { cwd: dir, env, quiet: true });
		writeFileSync(marker, new Date().toISOString());
		log(`Native modules built in ${Math.round((Date.now() - started) / 1000)} s`);
		return bin;
	});
}

/** n8n of the selected line (CRONCRM_N8N_LINE) and the Node it runs on, installed on first use. */
export async function ensureRuntime(line: N8nLine = selectedLine()): Promise<Runtime> {
	const { version, env: lineEnv } = N8N_LINES[line];
	if (line === '1') {
		const major = nodeMajor(process.version);
		if (major < 20)
			throw new Error(`n8n ${version} needs Node 20 or newer; this is ${process.version}`);
		const env = { ...cleanEnv(), ...lineEnv };
		const n8nBin = await ensureN8n(line, env, major);
		return {
			n8nVersion: version,
			node: process.execPath,
			nodeBinDir: join(process.execPath, '..'),
			n8nBin,
			env,
		};
	}
	const node = await ensureNode();
	const env = { ...runtimeEnv(node), ...lineEnv };
	const n8nBin = await ensureN8n(line, env, nodeMajor(NODE_VERSION));
	return { n8nVersion: version, node, nodeBinDir: join(node, '..'), n8nBin, env };
}

// `tsx scripts/lib/install.ts` installs without starting anything (CI can warm its cache this
// way); CRONCRM_N8N_LINE=1 installs the 1.x line.
if (require.main === module) {
	const started = Date.now();
	ensureRuntime().then(
		(runtime) =>
			log(
				`n8n ${runtime.n8nVersion} ready in ${Math.round((Date.now() - started) / 1000)} s: ${runtime.n8nBin}`,
			),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
