import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const leadResource: ResourceSpec = {
	value: 'lead',
	name: 'lead',
	operations: [],
};
