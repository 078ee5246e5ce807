import { createSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server';
import { shutdownEngine } from './engine';

/** Starts a sandbox for the test file, resets it before each test, and stops it after. */
export function useSandbox(options: SandboxOptions = {}): { current: Sandbox } {
	const holder = {} as { current: Sandbox };
	beforeAll(async () => {
		holder.current = await createSandbox({
			rateLimit: { limit: 10_000, windowMs: 1000 },
			...options,
		});
	});
	beforeEach(() => holder.current.reset());
	afterAll(async () => {
		await holder.current.close();
		shutdownEngine();
	});
	return holder;
}
