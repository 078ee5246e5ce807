import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const messageResource: ResourceSpec = {
	value: 'message',
	name: 'message',
	operations: [],
};
