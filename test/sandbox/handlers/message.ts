import type { RouteTable } from '../server';

export const messageRoutes: RouteTable = {};
