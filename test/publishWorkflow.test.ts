import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

/**
 * The publish workflow cannot run here; these are the essentials n8n's verification and npm's
 * trusted publishing depend on.
 */
const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
}
interface Workflow {
	on: { push: { tags: string[] } };
	permissions?: Record<string, string>;
	jobs: Record<
		string,
		{ permissions?: Record<string, string>; steps: Step[]; 'timeout-minutes'?: number }
	>;
}

const workflow = parse(
	readFileSync(join(root, '.github', 'workflows', 'publish.yml'), 'utf8'),
) as Workflow;
const jobs = Object.values(workflow.jobs);
const steps = jobs.flatMap((job) => job.steps);
const runs = steps.map((step) => step.run ?? '');
const indexOfRun = (pattern: RegExp) => runs.findIndex((run) => pattern.test(run));

describe('The publish workflow (.github/workflows/publish.yml)', () => {
	it('runs on version tags only', () => {
		expect(Object.keys(workflow.on)).toEqual(['push']);
		expect(workflow.on.push.tags).toEqual(['v*.*.*']);
	});

	it('may request an OIDC token (provenance, trusted publishing) and only read the repository', () => {
		expect(jobs).toHaveLength(1);
		expect(jobs[0].permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(workflow.permissions).toEqual({ contents: 'read' });
	});

	it('sets up Node with the npm registry and an npm that can do trusted publishing', () => {
		const setupNode = steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
		expect(setupNode?.with?.['registry-url']).toBe('https://registry.npmjs.org');
		expect(indexOfRun(/npm install --global npm@1[1-9]\b/)).toBeGreaterThanOrEqual(0);
	});

	it('checks the tag, the repository field and the changelog, runs npm test, then publishes with npm run release', () => {
		const tagCheck = indexOfRun(/GITHUB_REF_NAME/);
		const repositoryCheck = indexOfRun(/repository\.url.*GITHUB_REPOSITORY/);
		const changelogCheck = indexOfRun(/CHANGELOG\.md/);
		const test = indexOfRun(/^npm test$/);
		const release = indexOfRun(/^npm run release$/);
		for (const index of [tagCheck, repositoryCheck, changelogCheck, test]) {
			expect(index).toBeGreaterThanOrEqual(0);
			expect(index).toBeLessThan(release);
		}
		// Nothing publishes except the release step, and no token is stored: trusted publishing.
		expect(runs.filter((run) => /npm publish|n8n-node release/.test(run))).toEqual([]);
		expect(JSON.stringify(workflow)).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN/);
	});

	it('publishes through n8n-node release, which sets npm provenance', () => {
		expect(pkg.scripts.release).toBe('tsx scripts/release.ts');
		const script = readFileSync(join(root, 'scripts', 'release.ts'), 'utf8');
		expect(script).toMatch(/GITHUB_ACTIONS[\s\S]*'n8n-node', 'release'/);
		const cli = readFileSync(
			join(root, 'node_modules', '@n8n', 'node-cli', 'dist', 'commands', 'release.js'),
			'utf8',
		);
		expect(cli).toMatch(/NPM_CONFIG_PROVENANCE: 'true'/);
	});

	it('has a changelog section for the version in package.json', () => {
		const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
		expect(changelog).toContain(`## [${pkg.version}]`);
	});
});
