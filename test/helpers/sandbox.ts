import { createSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server';
import { recordReachedEndpoints } from '../coverage/endpointLog';
import { shutdownEngine } from './engine';
import { schemaChecked } from './schemas';

/** Starts a sandbox for the test file, resets it before each test, and stops it after. */
export function useSandbox(options: SandboxOptions = {}): { current: Sandbox } {
	const holder = {} as { current: Sandbox };
	beforeAll(async () => {
		holder.current = await createSandbox({
			rateLimit: { limit: 10_000, windowMs: 1000 },
			...options,
		});
	});
	const reached = new Set<string>();
	// Collected before each reset: the endpoint coverage check reads them after the run.
	const collect = () => {
		for (const request of holder.current?.requests ?? []) {
			if (request.status >= 200 && request.status < 300)
				reached.add(`${request.method} ${request.path}`);
		}
	};
	beforeEach(async () => {
		await holder.current.idle();
		collect();
		holder.current.reset();
	});
	afterAll(async () => {
		collect();
		recordReachedEndpoints([...reached, ...schemaChecked]);
		await holder.current.close();
		shutdownEngine();
	});
	return holder;
}
