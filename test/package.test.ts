import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { CronCrmApi } from '../credentials/CronCrmApi.credentials';
import { generateSchemas } from '../scripts/schemas';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('The npm package', () => {
	it('is a community node package with no runtime dependencies', () => {
		expect(pkg.name).toBe('n8n-nodes-croncrm');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(Object.keys(pkg.peerDependencies)).toEqual(['n8n-workflow']);
		expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
	});

	it('ships only what n8n loads: compiled nodes and credentials, codex files, output schemas and icons', () => {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
				cwd: root,
				encoding: 'utf8',
			}),
		) as Array<{ files: Array<{ path: string }> }>;
		const files = packed.files.map((f) => f.path);
		// No .d.ts (nothing imports this package's types, and n8n's scanner lints them as sources)
		// and no .map (they point at .ts sources that are not shipped).
		expect(
			files.filter(
				(f) =>
					!/^(dist\/(nodes|credentials)\/.+\.js|dist\/nodes\/\w+\/\w+\.node\.json|dist\/nodes\/\w+\/__schema__\/v[\d.]+\/[\w/]+\.json|dist\/icons\/[\w.]+\.svg|README\.md|LICENSE|package\.json)$/.test(
						f,
					),
			),
		).toEqual([]);
		for (const path of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(files).toContain(path);
			expect(existsSync(join(root, path))).toBe(true);
			// Each node's codex file (categories, documentation links) sits beside it.
			if (path.startsWith('dist/nodes/')) expect(files).toContain(path.replace(/\.js$/, '.json'));
		}
		expect(files).toEqual(
			expect.arrayContaining(['dist/icons/croncrm.svg', 'dist/icons/croncrm.dark.svg']),
		);
		// Every output schema, where n8n's loader looks for it beside the built node.
		const schemas = [...generateSchemas().keys()].map((path) => `dist/${path}`);
		expect(schemas.length).toBe(77);
		expect(files.filter((f) => f.includes('/__schema__/')).sort()).toEqual(schemas.sort());
	});

	it('links its documentation to README sections that exist (the README is the npm page)', () => {
		const readme = readFileSync(join(root, 'README.md'), 'utf8');
		// The anchors GitHub and npm give README headings.
		const anchors = [...readme.matchAll(/^#{1,4} (.+)$/gm)].map(([, heading]) =>
			heading
				.toLowerCase()
				.replace(/[^\w\s-]/g, '')
				.trim()
				.replace(/\s/g, '-'),
		);
		const codexUrls = pkg.n8n.nodes.flatMap((node: string) => {
			const codex = JSON.parse(readFileSync(join(root, node.replace(/\.js$/, '.json')), 'utf8'));
			return Object.values(codex.resources as Record<string, Array<{ url: string }>>)
				.flat()
				.map((link) => link.url);
		});
		const credentialUrl = new CronCrmApi().documentationUrl;
		expect(credentialUrl).toBe(`https://www.npmjs.com/package/${pkg.name}#getting-an-api-key`);
		for (const url of [credentialUrl, ...codexUrls]) {
			const [page, anchor] = url.split('#');
			expect(page).toBe(`https://www.npmjs.com/package/${pkg.name}`);
			expect(anchors).toContain(anchor);
		}
	});
});
