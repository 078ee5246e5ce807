#!/usr/bin/env node
/**
 * First step of `npm run dev` and `npm run test:e2e` on a fresh clone: installs the project's
 * devDependencies (tsx, TypeScript, playwright-core...) from the lockfile when node_modules is
 * missing or older than package-lock.json. Plain JavaScript: it runs before tsx exists.
 */
const { spawnSync } = require('child_process');
const { existsSync, statSync } = require('fs');
const { join } = require('path');

const root = join(__dirname, '..', '..');
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

const stale =
	!existsSync(installed) ||
	!existsSync(join(root, 'node_modules', '.bin', 'tsx')) ||
	(existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs);

if (stale) {
	console.log('Installing the project dependencies (npm ci)...');
	const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
		cwd: root,
		stdio: 'inherit',
		shell: process.platform === 'win32',
	});
	if (result.status !== 0) process.exit(result.status ?? 1);
}
