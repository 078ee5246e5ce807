import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const contactListResource: ResourceSpec = {
	value: 'contactList',
	name: 'contactList',
	operations: [],
};
