import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

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

	it('ships only dist, README, LICENSE and package.json, with every node and credential built', () => {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
				cwd: root,
				encoding: 'utf8',
			}),
		) as Array<{ files: Array<{ path: string }> }>;
		const files = packed.files.map((f) => f.path);
		expect(files.filter((f) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(f))).toEqual(
			[],
		);
		for (const path of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(files).toContain(path);
			expect(existsSync(join(root, path))).toBe(true);
		}
		expect(files).toEqual(
			expect.arrayContaining(['dist/icons/croncrm.svg', 'dist/icons/croncrm.dark.svg']),
		);
		// Every output schema, where n8n's loader looks for it beside the built node.
		const schemas = [...generateSchemas().keys()].map((path) => `dist/${path}`);
		expect(schemas.length).toBe(73);
		expect(files.filter((f) => f.includes('/__schema__/')).sort()).toEqual(schemas.sort());
	});
});
