import type { ControlHandler } from '../server';

/** Sandbox-only routes under /__sandbox/: inspect and reset the sandbox from outside. */
export const controlRoutes: Record<string, ControlHandler> = {
	'GET /requests': (sandbox) => ({ body: sandbox.requests }),
	'GET /state': (sandbox) => ({ body: sandbox.state }),
	'POST /reset': (sandbox) => {
		sandbox.reset();
		return { body: { success: true } };
	},
	/** The WhatsApp session: { status } now, or { disconnectAfterSends: n } to drop after n sends. */
	'POST /connection': (sandbox, body) => {
		const { connection } = sandbox.state;
		if (body.status !== undefined) connection.status = String(body.status);
		if (body.disconnectAfterSends !== undefined)
			connection.disconnectAfterSends = Number(body.disconnectAfterSends);
		return { body: { success: true, connection } };
	},
	'POST /rate-limit': (sandbox, body) => {
		sandbox.options.rateLimit = {
			limit: Number(body.limit) || sandbox.options.rateLimit.limit,
			windowMs: Number(body.windowMs) || sandbox.options.rateLimit.windowMs,
		};
		return { body: { success: true, rateLimit: sandbox.options.rateLimit } };
	},
};
