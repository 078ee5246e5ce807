/**
 * `npm run release`.
 * - On your machine: checks that the working tree is clean, that CHANGELOG.md has a section for
 *   package.json's version and that its tag does not exist yet, then creates the tag
 *   v<version>. Pushing the tag (`git push origin v<version>`) starts the publish workflow.
 *   `--dry-run` only checks.
 * - In GitHub Actions (.github/workflows/publish.yml): `n8n-node release`, which lints, builds
 *   and runs `npm publish` with npm provenance.
 */
import { execFileSync, spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join, resolve } from 'path';

const REPO_ROOT = resolve(__dirname, '..');

function git(...args: string[]) {
	return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
}

function fail(message: string): never {
	console.error(`npm run release: ${message}`);
	process.exit(1);
}

function main() {
	if (process.env.GITHUB_ACTIONS === 'true') {
		const result = spawnSync('npx', ['--no-install', 'n8n-node', 'release'], {
			cwd: REPO_ROOT,
			stdio: 'inherit',
		});
		process.exit(result.status ?? 1);
	}
	const dryRun = process.argv.includes('--dry-run');
	const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		version: string;
	};
	const tag = `v${version}`;
	const changelog = readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8');
	if (!new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm').test(changelog)) {
		fail(`CHANGELOG.md has no "## [${version}]" section: describe this version first`);
	}
	if (git('tag', '--list', tag)) {
		fail(`tag ${tag} exists: raise "version" in package.json (and add it to CHANGELOG.md)`);
	}
	if (git('status', '--porcelain')) fail('commit or stash your changes first');
	if (dryRun) {
		console.log(`Ready to tag ${tag} (dry run: nothing created)`);
		return;
	}
	git('tag', '-a', tag, '-m', `n8n-nodes-croncrm ${version}`);
	console.log(`Tagged ${tag}. Push it to publish from GitHub Actions: git push origin HEAD ${tag}`);
}

main();
