import type { ResourceSpec } from '../../shared/operation';

// TODO(resource): operations of this resource are being written.
export const funnelStepResource: ResourceSpec = {
	value: 'funnelStep',
	name: 'funnelStep',
	operations: [],
};
