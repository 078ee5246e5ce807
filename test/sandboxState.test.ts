import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { seed } from '../sandbox/handlers/seed';
import { createSandbox, DEFAULT_API_KEY, type Sandbox } from '../sandbox/server';

/** The sandbox keeps its account in a state file, so `npm run dev` survives its own restart. */
describe('The sandbox state file', () => {
	const dir = mkdtempSync(join(tmpdir(), 'croncrm-sandbox-state-'));
	const stateFile = join(dir, 'state.json');
	let sandbox: Sandbox | undefined;
	afterAll(async () => {
		await sandbox?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const call = async (target: Sandbox, method: string, path: string, body?: unknown) =>
		(await (
			await fetch(`${target.url}${path}`, {
				method,
				headers: { apiKey: DEFAULT_API_KEY, 'Content-Type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			})
		).json()) as Record<string, unknown>;

	it("keeps records and instances' webhook slots across a restart", async () => {
		sandbox = await createSandbox({ stateFile });
		seed(sandbox);
		sandbox.save();
		const [instance] = sandbox.state.instances;
		await call(sandbox, 'POST', '/tags/create', { name: 'Kept', color: '#112233' });
		await call(sandbox, 'PUT', '/instances/change', {
			access_token: instance.access_token,
			webhookMessage: 'https://n8n.example.com/webhook/abc/webhook?croncrm_secret=s',
		});
		await sandbox.close();

		sandbox = await createSandbox({ stateFile });
		const tags = await call(sandbox, 'GET', '/tags/find?page=1');
		expect((tags.lists as Array<{ name: string }>).map((tag) => tag.name)).toContain('Kept');
		const found = await call(
			sandbox,
			'GET',
			`/instances/find?access_token=${String(instance.access_token)}`,
		);
		expect(
			(found.instances as Array<{ webhooks: Record<string, string> }>)[0].webhooks.message,
		).toBe('https://n8n.example.com/webhook/abc/webhook?croncrm_secret=s');
	});

	it("creates the state file's folder on the first save (a fresh clone has no .cache/dev)", async () => {
		const nested = join(dir, 'fresh-clone', '.cache', 'dev', 'sandbox-state.json');
		const fresh = await createSandbox({ stateFile: nested });
		try {
			seed(fresh);
			fresh.save();
			expect(existsSync(nested)).toBe(true);
			const saved = JSON.parse(readFileSync(nested, 'utf8')) as { instances: unknown[] };
			expect(saved.instances).toHaveLength(fresh.state.instances.length);
		} finally {
			await fresh.close();
		}
	});
});
