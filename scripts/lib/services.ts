/**
 * The two services n8n's queue mode needs, for `npm run test:queue`: PostgreSQL (n8n's database,
 * shared by every n8n process) and Redis (the job queue between them). Debian's packages are
 * installed with apt-get on first use, as Chromium is (scripts/lib/browser.ts); binaries already
 * on the machine are used as they are. Both run in the foreground of a throwaway data directory
 * and listen only on 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { chownSync, createWriteStream, existsSync, mkdirSync, readdirSync } from 'fs';
import { createConnection } from 'net';
import { dirname, join } from 'path';

import { log, run } from './install';

export interface Service {
	name: string;
	port: number;
	pid: number | undefined;
	stop(): Promise<void>;
}

function which(binary: string): string | undefined {
	const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
	const path = found.stdout.trim();
	return found.status === 0 && path ? path : undefined;
}

async function aptInstall(packages: string[], what: string) {
	if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
		throw new Error(`${what} not found: install ${packages.join(', ')} and run again`);
	}
	const started = Date.now();
	const asRoot = process.getuid?.() === 0;
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const apt = async (args: string[]) =>
		asRoot
			? await run('apt-get', args, { cwd: '/', env, quiet: true })
			: await run('sudo', ['apt-get', ...args], { cwd: '/', env, quiet: true });
	log(`Installing ${what} with apt-get (Debian's ${packages.join(', ')})`);
	await apt(['update']);
	await apt(['install', '-y', '--no-install-recommends', ...packages]);
	log(`${what} installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Directory holding PostgreSQL's server binaries (initdb, postgres), installed if missing. */
export async function ensurePostgres(): Promise<string> {
	const onPath = which('initdb');
	if (onPath && which('postgres')) return join(onPath, '..');
	// Debian keeps them out of PATH, per major version.
	const debianBinDir = () => {
		const root = '/usr/lib/postgresql';
		if (!existsSync(root)) return undefined;
		const versions = readdirSync(root)
			.filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
			.sort((a, b) => Number(b) - Number(a));
		return versions.length ? join(root, versions[0], 'bin') : undefined;
	};
	const found = debianBinDir();
	if (found) return found;
	await aptInstall(['postgresql'], 'PostgreSQL');
	const installed = debianBinDir();
	if (!installed) throw new Error('apt-get installed postgresql, but no initdb was found');
	return installed;
}

export async function ensureRedis(): Promise<string> {
	const found = which('redis-server');
	if (found) return found;
	await aptInstall(['redis-server'], 'Redis');
	const installed = which('redis-server');
	if (!installed) throw new Error('apt-get installed redis-server, but it is not on PATH');
	return installed;
}

/** Resolves once something accepts TCP connections on the port. */
async function listening(port: number, name: string, child: ChildProcess, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) on start`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = createConnection({ host: '127.0.0.1', port });
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`${name} is not listening on ${port}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

function serviceOf(name: string, port: number, child: ChildProcess): Service {
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return {
		name,
		port,
		pid: child.pid,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGINT'); // PostgreSQL's fast shutdown; Redis exits on it too
			const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
			await exited;
			clearTimeout(timer);
		},
	};
}

/**
 * PostgreSQL does not run as root: as root, the cluster belongs to the `postgres` user if there is
 * one (Debian's package makes it), else to `nobody`, and its commands run as that user.
 */
function postgresUser(): string | undefined {
	if (process.getuid?.() !== 0) return undefined;
	return spawnSync('id', ['-u', 'postgres']).status === 0 ? 'postgres' : 'nobody';
}

/** `setpriv` execs the command as the user (no intermediate process), so signals reach it. */
function asUser(user: string | undefined, command: string, args: string[]): [string, string[]] {
	if (!user) return [command, args];
	const id = (flag: string) => spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim();
	return [
		'setpriv',
		[`--reuid=${id('-u')}`, `--regid=${id('-g')}`, '--clear-groups', '--', command, ...args],
	];
}

/** A new PostgreSQL cluster in `dataDir` (trust auth, 127.0.0.1 only) with database `database`. */
export async function startPostgres(options: {
	binDir: string;
	dataDir: string;
	port: number;
	logFile: string;
	user: string;
	database: string;
}): Promise<Service> {
	const osUser = postgresUser();
	mkdirSync(options.dataDir, { recursive: true });
	if (osUser) {
		const id = spawnSync('id', ['-u', osUser], { encoding: 'utf8' }).stdout.trim();
		const gid = spawnSync('id', ['-g', osUser], { encoding: 'utf8' }).stdout.trim();
		chownSync(options.dataDir, Number(id), Number(gid));
	}
	const [initCommand, initArgs] = asUser(osUser, join(options.binDir, 'initdb'), [
		'-D',
		options.dataDir,
		'-U',
		options.user,
		'--auth=trust',
		'--encoding=UTF8',
		'--no-sync',
	]);
	await run(initCommand, initArgs, { cwd: '/', quiet: true });
	const [command, args] = asUser(osUser, join(options.binDir, 'postgres'), [
		'-D',
		options.dataDir,
		'-p',
		String(options.port),
		'-h',
		'127.0.0.1',
		'-k',
		options.dataDir,
		// A throwaway test database: durability is not needed, speed on a busy machine is.
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=100',
	]);
	const child = spawn(command, args, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
	mkdirSync(dirname(options.logFile), { recursive: true });
	const logStream = createWriteStream(options.logFile, { flags: 'a' });
	child.stdout!.pipe(logStream);
	child.stderr!.pipe(logStream);
	await listening(options.port, 'PostgreSQL', child);
	// The database n8n uses; `postgres` exists in every new cluster.
	const createdb = join(options.binDir, 'createdb');
	const [createCommand, createArgs] = existsSync(createdb)
		? [createdb, ['-h', '127.0.0.1', '-p', String(options.port), '-U', options.user]]
		: ['psql', ['-h', '127.0.0.1', '-p', String(options.port), '-U', options.user, '-c']];
	await run(
		createCommand,
		existsSync(createdb)
			? [...createArgs, options.database]
			: [...createArgs, `CREATE DATABASE ${options.database}`, 'postgres'],
		{ cwd: '/', quiet: true },
	);
	return serviceOf('PostgreSQL', options.port, child);
}

export async function startRedis(options: {
	binary: string;
	dir: string;
	port: number;
	logFile: string;
}): Promise<Service> {
	mkdirSync(options.dir, { recursive: true });
	const child = spawn(
		options.binary,
		[
			'--port',
			String(options.port),
			'--bind',
			'127.0.0.1',
			'--dir',
			options.dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
		],
		{ cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	mkdirSync(dirname(options.logFile), { recursive: true });
	const logStream = createWriteStream(options.logFile, { flags: 'a' });
	child.stdout!.pipe(logStream);
	child.stderr!.pipe(logStream);
	await listening(options.port, 'Redis', child);
	return serviceOf('Redis', options.port, child);
}

/** Resident memory of a process and its children, in MB (Linux; undefined elsewhere). */
export function rssMb(pid: number | undefined): number | undefined {
	if (pid === undefined || process.platform !== 'linux') return undefined;
	const tree = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' }).stdout;
	const rows = tree
		.trim()
		.split('\n')
		.map((line) => line.trim().split(/\s+/).map(Number));
	const inTree = new Set([pid]);
	let grew = true;
	while (grew) {
		grew = false;
		for (const [child, parent] of rows) {
			if (inTree.has(parent) && !inTree.has(child)) {
				inTree.add(child);
				grew = true;
			}
		}
	}
	const kb = rows.filter(([p]) => inTree.has(p)).reduce((sum, [, , rss]) => sum + rss, 0);
	return Math.round(kb / 1024);
}
