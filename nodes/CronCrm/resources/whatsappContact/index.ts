import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const whatsappContactResource: ResourceSpec = {
	value: 'whatsappContact',
	name: 'whatsappContact',
	operations: [],
};
