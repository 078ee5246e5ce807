import type { RouteTable } from '../server';

export const instanceRoutes: RouteTable = {};
