/**
 * `npm run scan`: n8n's verification scanner (@n8n/scan-community-package), run offline.
 * Its CLI only scans published versions (it checks npm provenance first), so this calls the
 * same analysis, `analyzePackage`, with the scanner's own ESLint config and inline
 * `eslint-disable` comments ignored, on:
 * - the extracted `npm pack` tarball: every .js, .ts and .json file in it (stricter than the
 *   CLI, which lints only the tarball's .js files and package.json);
 * - the source, with the scanner's own SOURCE_FILE_PATTERNS.
 * A canary package with one planted violation (behind an inline eslint-disable) must fail,
 * so a scan that lints nothing, or honours inline config, cannot pass unnoticed.
 * Needs `npm run build` first.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const REPO_ROOT = resolve(__dirname, '..');

interface ScanResult {
	passed: boolean;
	message?: string;
	details?: string;
}

interface Scanner {
	analyzePackage(dir: string, patterns?: string[]): Promise<ScanResult>;
	SOURCE_FILE_PATTERNS: string[];
}

/** Every file type the tarball ships, including any .d.ts the build might emit. */
const TARBALL_PATTERNS = ['**/*.js', '**/*.ts', '**/*.json'];

function packInto(dir: string): string {
	execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
	const extracted = join(dir, 'package');
	mkdirSync(extracted);
	execFileSync('tar', ['-xzf', join(dir, tarball), '-C', extracted, '--strip-components=1']);
	return extracted;
}

/** A package whose only code calls console.log behind an inline disable comment. */
function writeCanary(dir: string): string {
	const canary = join(dir, 'canary');
	mkdirSync(join(canary, 'dist'), { recursive: true });
	writeFileSync(
		join(canary, 'package.json'),
		JSON.stringify({ name: 'n8n-nodes-scan-canary', version: '0.0.0' }, null, 2),
	);
	writeFileSync(
		join(canary, 'dist', 'index.js'),
		'// eslint-disable-next-line no-console\nconsole.log("planted");\n',
	);
	return canary;
}

async function main() {
	const started = Date.now();
	// A dynamic import keeps the ES module an ES module under tsx's CommonJS output.
	const scanner = (await import(
		'@n8n/scan-community-package/scanner/scanner.mjs' as string
	)) as Scanner;
	const work = mkdtempSync(join(tmpdir(), 'croncrm-scan-'));
	let failed = false;
	try {
		const checks: Array<[string, string, string[]]> = [
			['npm pack tarball', packInto(work), TARBALL_PATTERNS],
			['source', REPO_ROOT, scanner.SOURCE_FILE_PATTERNS],
		];
		for (const [label, dir, patterns] of checks) {
			const result = await scanner.analyzePackage(dir, patterns);
			// "No files found to analyze" passes in the scanner; here it means the gate is broken.
			const ok = result.passed && !result.message;
			console.log(`${ok ? 'PASS' : 'FAIL'} n8n scanner on the ${label} (${patterns.join(', ')})`);
			if (!ok) {
				failed = true;
				console.log(result.message ?? '', result.details ?? '');
			}
		}
		const canary = await scanner.analyzePackage(writeCanary(work), TARBALL_PATTERNS);
		if (canary.passed || !canary.details?.includes('no-console')) {
			failed = true;
			console.log(
				'FAIL the scanner did not catch the planted console.log behind an inline eslint-disable:',
				canary,
			);
		} else {
			console.log('PASS the scanner catches a planted violation behind an inline eslint-disable');
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	console.log(`Scan took ${((Date.now() - started) / 1000).toFixed(1)} s`);
	if (failed) process.exit(1);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
