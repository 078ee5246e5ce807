import type { RouteTable } from '../server';

export const leadRoutes: RouteTable = {};
