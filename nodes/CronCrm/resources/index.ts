import type { ResourceSpec } from '../shared/operation';
import { chatResource } from './chat';
import { connectionResource } from './connection';
import { contactResource } from './contact';
import { contactListResource } from './contactList';
import { funnelResource } from './funnel';
import { funnelStepResource } from './funnelStep';
import { groupResource } from './group';
import { instanceResource } from './instance';
import { leadResource } from './lead';
import { messageResource } from './message';
import { tagResource } from './tag';
import { toolResource } from './tool';
import { userResource } from './user';
import { whatsappContactResource } from './whatsappContact';

/** Every resource of the CronCrm node (the Resource dropdown lists them alphabetically). */
export const RESOURCES: ResourceSpec[] = [
	messageResource,
	chatResource,
	groupResource,
	whatsappContactResource,
	contactResource,
	contactListResource,
	tagResource,
	funnelResource,
	funnelStepResource,
	leadResource,
	instanceResource,
	userResource,
	toolResource,
	connectionResource,
];
