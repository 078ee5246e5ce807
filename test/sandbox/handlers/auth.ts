import type { RouteTable } from '../server';

export const authRoutes: RouteTable = {};
