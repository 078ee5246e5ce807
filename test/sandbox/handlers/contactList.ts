import type { RouteTable } from '../server';

export const contactListRoutes: RouteTable = {};
