import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const groupResource: ResourceSpec = {
	value: 'group',
	name: 'group',
	operations: [],
};
