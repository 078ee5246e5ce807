import type { RouteTable } from '../server';

export const chatRoutes: RouteTable = {};
