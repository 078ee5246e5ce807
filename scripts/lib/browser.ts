/**
 * The browser for the UI tests: Debian's Chromium, driven by playwright-core (which downloads
 * nothing). Installed with apt-get when missing; CHROMIUM_PATH points at another binary.
 */
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { log, run } from './install';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export async function ensureChromium(): Promise<string> {
	const configured = process.env.CHROMIUM_PATH;
	if (configured) {
		if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
		return configured;
	}
	const found = CANDIDATES.find((path) => existsSync(path));
	if (found) return found;
	if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
		throw new Error(
			'No Chromium found: install it, or set CHROMIUM_PATH to a Chrome/Chromium binary',
		);
	}
	const started = Date.now();
	const asRoot = process.getuid?.() === 0;
	const sudo = asRoot ? [] : ['sudo'];
	log("Installing Chromium with apt-get (Debian's package, about 300 MB, ~1 min)");
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const apt = async (args: string[]) =>
		asRoot
			? await run('apt-get', args, { cwd: '/', env, quiet: true })
			: await run(sudo[0], ['apt-get', ...args], { cwd: '/', env, quiet: true });
	await apt(['update']);
	await apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation']);
	log(`Chromium installed in ${Math.round((Date.now() - started) / 1000)} s`);
	return '/usr/bin/chromium';
}

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

export function freshProfileDir() {
	return mkdtempSync(join(tmpdir(), 'croncrm-chromium-'));
}

if (require.main === module) {
	ensureChromium().then(
		(path) => log(`Chromium: ${path}`),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
