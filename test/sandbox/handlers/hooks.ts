import type { ControlHandler } from '../server';

/** Sandbox-only routes that fire CRONCRM webhooks at the URLs registered in instance slots. */
export const hookControlRoutes: Record<string, ControlHandler> = {};
