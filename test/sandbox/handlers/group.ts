import type { RouteTable } from '../server';

export const groupRoutes: RouteTable = {};
