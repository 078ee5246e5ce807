import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { recordsOf } from '../shared/execute';
import { croncrmRequest, TIMEOUTS } from '../transport';

interface ListSource {
	path: string;
	/** Where the records are in the reply. */
	records: string;
	/** Record field shown in the dropdown, and the one sent as the value. */
	nameField: string;
	valueField: string;
	/** Query parameter CRONCRM filters names with, if it has one. */
	filterParam?: string;
	/** The collection warns this search can be slow: it gets the transport's long timeout. */
	slow?: boolean;
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
	const filterHere = !!filter && !source.filterParam;
	let page = Number(paginationToken) || 1;
	for (let fetched = 1; ; fetched++, page++) {
		const qs: IDataObject = { ...extraQuery, page };
		if (filter && source.filterParam) qs[source.filterParam] = filter;
		const body = await croncrmRequest(ctx, {
			method: 'GET',
			url: source.path,
			qs,
			extra: source.slow ? { timeout: TIMEOUTS.slowMs } : undefined,
		});
		const records = (recordsOf(body, source.records) ?? []) as IDataObject[];
		let results = distinguishSameNames(
			records.map((record) => ({
				name: label(record) || String(record[source.valueField]),
				value: String(record[source.valueField]),
			})),
			records,
		);
		if (filterHere) {
			const needle = filter.toLowerCase();
			results = results.filter((result) => result.name.toLowerCase().includes(needle));
		}
		const more = page < (Number(body.pages) || 1);
		// Without a name filter in the API, a match may sit on a later page: look a few pages
		// further before showing an empty list (each page is one throttled request).
		if (filterHere && results.length === 0 && more && fetched < CLIENT_FILTER_PAGES) continue;
		return { results, paginationToken: more ? String(page + 1) : undefined };
	}
}

/**
 * CRONCRM allows two records with one name (two "Hot lead" tags): such entries get what tells
 * them apart, the color where the record has one and the start of the access token (its end is the same date
 * for many records).
 */
export function distinguishSameNames(
	results: INodeListSearchItems[],
	records: IDataObject[],
): INodeListSearchItems[] {
	const count = new Map<string, number>();
	for (const result of results) count.set(result.name, (count.get(result.name) ?? 0) + 1);
	return results.map((result, index) => {
		if ((count.get(result.name) ?? 0) < 2) return result;
		const color = records[index]?.color;
		const marks = [
			...(typeof color === 'string' && color.startsWith('#') ? [color] : []),
			`${String(result.value).slice(0, 8)}…`,
		];
		return { ...result, name: `${result.name} (${marks.join(', ')})` };
	});
}

/** How many pages one dropdown search reads at most when it must filter names itself. */
const CLIENT_FILTER_PAGES = 5;

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
		// CRONCRM lists steps per funnel only (funnel_access_token is required).
		if (!funnel) {
			throw new NodeOperationError(this.getNode(), 'Choose a Funnel first', {
				description: 'Funnel steps are listed per funnel: pick the Funnel next to this field.',
			});
		}
		return await searchRecords(
			this,
			{ ...byName('/funnels/steps/find', 'steps'), filterParam: undefined },
			filter,
			token,
			{ funnel_access_token: funnel },
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
				// "Depending on the number of groups, this method can take long to answer."
				slow: true,
			},
			filter,
			token,
		);
	},
};
