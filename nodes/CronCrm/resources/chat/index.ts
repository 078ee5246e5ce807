import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const chatResource: ResourceSpec = {
	value: 'chat',
	name: 'chat',
	operations: [],
};
