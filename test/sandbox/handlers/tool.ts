import type { RouteTable } from '../server';

export const toolRoutes: RouteTable = {};
