import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const funnelResource: ResourceSpec = {
	value: 'funnel',
	name: 'funnel',
	operations: [],
};
