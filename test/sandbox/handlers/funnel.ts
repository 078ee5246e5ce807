import type { RouteTable } from '../server';

export const funnelRoutes: RouteTable = {};
