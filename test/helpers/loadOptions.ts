/**
 * Calls the node's searchable-dropdown methods (listSearch) as n8n's editor does: through
 * n8n-core's real LoadOptionsContext, with the node's current parameters and the sandbox
 * credentials. Requests go through the node's transport to the sandbox over HTTP.
 */
import { LoadOptionsContext } from 'n8n-core';
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { listSearch } from '../../nodes/CronCrm/methods/listSearch';
import type { Sandbox } from '../../sandbox/server';
import {
	type CredentialOverrides,
	cronCrmNode,
	makeAdditionalData,
	nodeTypes,
	sandboxCredentials,
} from './engine';

export interface LoadOptionsInput {
	/** The node's parameters as the editor holds them while the dropdown opens. */
	parameters?: IDataObject;
	/** Path of the parameter whose dropdown is open, e.g. "parameters.funnelStep". */
	path?: string;
	credentials?: CredentialOverrides;
}

/** An ILoadOptionsFunctions for the CRONCRM node, as n8n builds it for the editor. */
export function loadOptionsContext(
	sandbox: Sandbox,
	{ parameters = {}, path = 'parameters.value', credentials }: LoadOptionsInput = {},
): ILoadOptionsFunctions {
	const node = cronCrmNode(parameters);
	const workflow = new Workflow({
		id: 'load-options',
		name: 'load options',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
	});
	const additionalData = makeAdditionalData(sandboxCredentials(sandbox, credentials));
	additionalData.currentNodeParameters = parameters as never;
	return new LoadOptionsContext(workflow, node, additionalData, path);
}

export type ListSearchMethod = keyof typeof listSearch;

/** Runs one listSearch method, as the editor does when a dropdown opens or scrolls. */
export async function searchList(
	sandbox: Sandbox,
	method: ListSearchMethod,
	options: LoadOptionsInput & { filter?: string; paginationToken?: string } = {},
): Promise<INodeListSearchResult> {
	const context = loadOptionsContext(sandbox, options);
	return await listSearch[method].call(context, options.filter, options.paginationToken);
}
