import type { ControlHandler, RouteTable } from '../server';
import { controlRoutes } from './control';
import { tagRoutes } from './tag';

/**
 * The stateful endpoints, one file per resource. An endpoint without an entry here still
 * answers: with the collection's example response, after the same auth, limit and schema checks.
 */
export const ROUTES: RouteTable = {
	...tagRoutes,
};

export const CONTROL_ROUTES: Record<string, ControlHandler> = {
	...controlRoutes,
};
