import type { ControlHandler } from '../server';

/** Sandbox-only routes under /__sandbox/: inspect and reset the sandbox from outside. */
export const controlRoutes: Record<string, ControlHandler> = {
	'GET /requests': (sandbox) => ({ body: sandbox.requests }),
	'GET /state': (sandbox) => ({ body: sandbox.state }),
	'POST /reset': (sandbox) => {
		sandbox.reset();
		return { body: { success: true } };
	},
	'POST /rate-limit': (sandbox, body) => {
		sandbox.options.rateLimit = {
			limit: Number(body.limit) || sandbox.options.rateLimit.limit,
			windowMs: Number(body.windowMs) || sandbox.options.rateLimit.windowMs,
		};
		return { body: { success: true, rateLimit: sandbox.options.rateLimit } };
	},
};
