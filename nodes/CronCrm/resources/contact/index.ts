import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const contactResource: ResourceSpec = {
	value: 'contact',
	name: 'contact',
	operations: [],
};
