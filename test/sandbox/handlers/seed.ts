import type { ControlHandler } from '../server';

/** Sandbox-only route that fills the account with demo records for the dev environment. */
export const seedControlRoutes: Record<string, ControlHandler> = {};
