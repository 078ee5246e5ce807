import { accessToken, locator } from '../../shared/fields';
import type { ResourceSpec } from '../../shared/operation';

/** Steps ("etapas") of a funnel. They are made in CRONCRM's interface; the API only reads them. */
export const funnelStepResource: ResourceSpec = {
	value: 'funnelStep',
	name: 'Funnel Step',
	description: 'Steps ("etapas") of a funnel, made in CRONCRM',
	operations: [
		{
			value: 'getMany',
			name: 'Get Many',
			action: 'Get many funnel steps',
			description:
				'List the steps ("etapas") of a sales funnel. Needs the funnel; optionally a step\'s access_token. Returns one item per step with its access_token, used to move chats (funnels/steps/find).',
			method: 'GET',
			path: '/funnels/steps/find',
			pagedRecords: 'steps',
			// Named "funnel" so the Funnel Step dropdowns elsewhere find the chosen funnel the same way.
			fields: [locator('funnel', 'funnel_access_token')],
			optional: [
				accessToken('Funnel Step', {
					required: false,
					description: 'Return only the step with this access_token',
				}),
			],
		},
	],
};
