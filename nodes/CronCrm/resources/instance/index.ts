import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const instanceResource: ResourceSpec = {
	value: 'instance',
	name: 'instance',
	operations: [],
};
