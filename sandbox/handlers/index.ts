import type { ControlHandler, RouteTable } from '../server';
import { accountRoutes } from './account';
import { authRoutes } from './auth';
import { chatRoutes } from './chat';
import { contactRoutes } from './contact';
import { contactListRoutes } from './contactList';
import { controlRoutes } from './control';
import { funnelRoutes } from './funnel';
import { groupRoutes } from './group';
import { hookControlRoutes } from './hooks';
import { instanceRoutes } from './instance';
import { leadRoutes } from './lead';
import { messageRoutes } from './message';
import { seedControlRoutes } from './seed';
import { tagRoutes } from './tag';
import { toolRoutes } from './tool';
import { whatsappContactRoutes } from './whatsappContact';

/**
 * The stateful endpoints, one file per resource. An endpoint without an entry here still
 * answers: with the collection's example response, after the same auth, limit and schema checks.
 */
export const ROUTES: RouteTable = {
	...authRoutes,
	...messageRoutes,
	...chatRoutes,
	...groupRoutes,
	...whatsappContactRoutes,
	...contactRoutes,
	...contactListRoutes,
	...tagRoutes,
	...funnelRoutes,
	...leadRoutes,
	...instanceRoutes,
	...accountRoutes,
	...toolRoutes,
};

export const CONTROL_ROUTES: Record<string, ControlHandler> = {
	...controlRoutes,
	...hookControlRoutes,
	...seedControlRoutes,
};
