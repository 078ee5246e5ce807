import type { RouteTable } from '../server';

export const accountRoutes: RouteTable = {};
