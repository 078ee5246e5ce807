import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const toolResource: ResourceSpec = {
	value: 'tool',
	name: 'tool',
	operations: [],
};
