import type { RouteTable } from '../server';
import { newToken, page, phpDate } from '../state';
import { assignFields, byToken, byTokenOrName, notFound, ok } from './common';

/**
 * Funnels and their steps. Steps cannot be made through the API (only in CRONCRM's interface):
 * tests put them in state.funnelSteps, each with the funnel_access_token of its funnel.
 */
export const funnelRoutes: RouteTable = {
	'POST /funnels/create': {
		required: ['name'],
		handle: ({ body, state }) => {
			const funnel = {
				name: body.name,
				created: phpDate(),
				modified: phpDate(),
				description: body.description ?? '',
				access_token: newToken(),
				order: state.funnels.length + 1,
			};
			state.funnels.push(funnel);
			const { order: _order, ...shown } = funnel;
			// The collection's example answers 200 here, not 201 as the other creates do.
			return ok('Funil criado com sucesso.', { funnel: shown });
		},
	},
	'GET /funnels/find': {
		handle: ({ query, state }) => {
			const funnels = byTokenOrName(state.funnels, query);
			const records = funnels.map((funnel) => ({
				...funnel,
				steps: state.funnelSteps.filter((s) => s.funnel_access_token === funnel.access_token)
					.length,
				chats: state.chats.filter((c) =>
					state.funnelSteps.some(
						(s) =>
							s.funnel_access_token === funnel.access_token &&
							s.access_token === c.funnel_step_access_token,
					),
				).length,
			}));
			return { body: page(records, query.page, 'funnels') };
		},
	},
	'PUT /funnels/change': {
		required: ['access_token'],
		handle: ({ body, state }) => {
			const funnel = byToken(state.funnels, body.access_token);
			if (!funnel) return notFound('Funil');
			assignFields(funnel, body, ['name', 'description']);
			const { name, description, access_token } = funnel;
			// The collection's example answers with the funnel under "tag" (copied from tags/change).
			return ok('Seu funil foi alterado com sucesso.', {
				tag: { name, description, access_token },
			});
		},
	},
	'GET /funnels/steps/find': {
		required: ['funnel_access_token'],
		handle: ({ query, state }) => {
			if (!byToken(state.funnels, query.funnel_access_token)) return notFound('Funil');
			let steps = state.funnelSteps.filter(
				(s) => s.funnel_access_token === query.funnel_access_token,
			);
			if (query.access_token) steps = steps.filter((s) => s.access_token === query.access_token);
			const records = steps.map(({ funnel_access_token: _funnel, ...step }) => ({
				...step,
				chats: state.chats.filter((c) => c.funnel_step_access_token === step.access_token).length,
			}));
			return { body: page(records, query.page, 'steps') };
		},
	},
};
