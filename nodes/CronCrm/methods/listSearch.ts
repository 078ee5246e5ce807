import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { croncrmRequest } from '../transport';

interface ListSource {
	path: string;
	/** Where the records are in the reply. */
	records: string;
	/** Record field shown in the dropdown, and the one sent as the value. */
	nameField: string;
	valueField: string;
	/** Query parameter CRONCRM filters names with, if it has one. */
	filterParam?: string;
}

/**
 * One page of CRONCRM records as dropdown entries. The pagination token is the next page
 * number, so n8n loads further pages as the user scrolls; each page is one throttled request.
 */
async function searchRecords(
	ctx: ILoadOptionsFunctions,
	source: ListSource,
	filter?: string,
	paginationToken?: unknown,
	extraQuery: IDataObject = {},
	label: (record: IDataObject) => string = (record) => String(record[source.nameField] ?? ''),
): Promise<INodeListSearchResult> {
	const page = Number(paginationToken) || 1;
	const qs: IDataObject = { ...extraQuery, page };
	if (filter && source.filterParam) qs[source.filterParam] = filter;
	const body = await croncrmRequest(ctx, {
		method: 'GET',
		url: source.path,
		qs,
	});
	const records = (
		Array.isArray(body[source.records]) ? body[source.records] : []
	) as IDataObject[];
	let results: INodeListSearchItems[] = records.map((record) => ({
		name: label(record) || String(record[source.valueField]),
		value: String(record[source.valueField]),
	}));
	if (filter && !source.filterParam) {
		const needle = filter.toLowerCase();
		results = results.filter((result) => result.name.toLowerCase().includes(needle));
	}
	const pages = Number(body.pages) || 1;
	return {
		results,
		paginationToken: page < pages ? String(page + 1) : undefined,
	};
}

const byName = (path: string, records: string): ListSource => ({
	path,
	records,
	nameField: 'name',
	valueField: 'access_token',
	filterParam: 'name',
});

/** Reads the funnel chosen beside a Funnel Step field, wherever the field sits. */
function chosenFunnel(ctx: ILoadOptionsFunctions): string | undefined {
	for (const path of ['funnel', 'filters.funnel', 'additionalFields.funnel']) {
		try {
			const value = ctx.getCurrentNodeParameter(path, { extractValue: true });
			if (typeof value === 'string' && value !== '') return value;
		} catch {
			// not on this operation
		}
	}
	return undefined;
}

export const listSearch = {
	async searchInstances(this: ILoadOptionsFunctions, filter?: string, token?: string) {
		return await searchRecords(this, byName('/instances/find', 'instances'), filter, token);
	},
	async searchTags(this: ILoadOptionsFunctions, filter?: string, token?: string) {
		// tags/find answers with its records under "lists" in the collection's example.
		return await searchRecords(this, byName('/tags/find', 'lists'), filter, token);
	},
	async searchLists(this: ILoadOptionsFunctions, filter?: string, token?: string) {
		return await searchRecords(this, byName('/lists/find', 'lists'), filter, token);
	},
	async searchFunnels(this: ILoadOptionsFunctions, filter?: string, token?: string) {
		return await searchRecords(this, byName('/funnels/find', 'funnels'), filter, token);
	},
	async searchFunnelSteps(this: ILoadOptionsFunctions, filter?: string, token?: string) {
		const funnel = chosenFunnel(this);
		return await searchRecords(
			this,
			{ ...byName('/funnels/steps/find', 'steps'), filterParam: undefined },
			filter,
			token,
			funnel ? { funnel_access_token: funnel } : {},
		);
	},
	async searchUsers(this: ILoadOptionsFunctions, filter?: string, token?: string) {
		return await searchRecords(
			this,
			byName('/accounts/find', 'accounts'),
			filter,
			token,
			{},
			(user) => (user.email ? `${String(user.name)} (${String(user.email)})` : String(user.name)),
		);
	},
	async searchGroups(this: ILoadOptionsFunctions, filter?: string, token?: string) {
		return await searchRecords(
			this,
			{
				path: '/groups/find',
				records: 'groups',
				nameField: 'profile_name',
				valueField: 'chat_wid',
			},
			filter,
			token,
		);
	},
};
