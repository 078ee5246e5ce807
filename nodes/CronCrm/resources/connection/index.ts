import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const connectionResource: ResourceSpec = {
	value: 'connection',
	name: 'connection',
	operations: [],
};
