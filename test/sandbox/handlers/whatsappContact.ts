import type { RouteTable } from '../server';

export const whatsappContactRoutes: RouteTable = {};
