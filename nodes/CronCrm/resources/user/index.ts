import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const userResource: ResourceSpec = {
	value: 'user',
	name: 'user',
	operations: [],
};
