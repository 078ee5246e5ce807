import type { RouteTable } from '../server';

export const contactRoutes: RouteTable = {};
