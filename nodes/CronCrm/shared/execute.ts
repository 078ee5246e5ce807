import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IHttpRequestMethods,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { croncrmDownload, croncrmRequest, TIMEOUTS } from '../transport';
import type { OperationSpec } from './operation';

function valueAt(source: IDataObject, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>(
			(current, key) =>
				current && typeof current === 'object' ? (current as IDataObject)[key] : undefined,
			source,
		);
}

/**
 * The records of one page of a search. The collection's examples name the list (tags/find puts
 * tags under "lists"); should the live API name it otherwise, the reply's only list is taken.
 * Undefined when the reply holds records but no recognisable list: better an error than a
 * silently empty result.
 */
export function recordsOf(body: IDataObject, key: string): unknown[] | undefined {
	if (Array.isArray(body[key])) return body[key] as unknown[];
	const lists = Object.values(body).filter(Array.isArray);
	if (lists.length === 1) return lists[0] as unknown[];
	return Number(body.count) === 0 ? [] : undefined;
}

/**
 * Sends an operation's request through the transport and shapes the output. n8n's routing calls
 * it once per item (as its pagination hook) after `prepareRequest` has built and checked the
 * request. Searches fetch page after page until Return All or the Limit is satisfied and output
 * one item per record.
 */
export function executeOperation(spec: OperationSpec) {
	return async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		const itemIndex = this.getItemIndex();
		const { options } = requestData;
		const request = {
			method: (options.method ?? spec.method) as IHttpRequestMethods,
			url: options.url ?? spec.path,
			qs: options.qs as IDataObject,
			body: options.body as IDataObject,
			headers: options.headers as IDataObject,
			extra: {
				// n8n's routing always fills in its own 5-minute default; only a timeout the user
				// chose under Options is passed, so the transport's default (or, for endpoints the
				// collection calls slow, its long timeout) applies.
				timeout:
					(this.getNodeParameter('requestOptions.timeout', 0) as number) ||
					(spec.slow ? TIMEOUTS.slowMs : undefined),
				proxy: options.proxy,
				skipSslCertificateValidation: Boolean(options.skipSslCertificateValidation),
			},
		};
		const pairedItem = { item: itemIndex };

		if (!spec.pagedRecords) {
			const body = await croncrmRequest(this, request, itemIndex);
			const item: INodeExecutionData = { json: body, pairedItem };
			const failures = spec.partialFailures?.(body) ?? [];
			if (failures.length > 0) {
				if (this.getNodeParameter('failOnPartialFailure', false)) {
					throw new NodeApiError(this.getNode(), body as JsonObject, {
						itemIndex,
						message: `CRONCRM did part of it: ${failures.join('; ')} (item ${itemIndex})`,
						description: `${request.method} ${request.url} answered success, and the rest of the request was done. Turn off "Fail on Partial Failure" to get the reply with partialFailures instead.`,
					});
				}
				item.json = { ...body, partialFailures: failures };
			}
			if (spec.download && this.getNodeParameter('download', false)) {
				item.binary = await downloadInto(this, spec, body, itemIndex);
			}
			return [item];
		}

		const returnAll = this.getNodeParameter('returnAll', false) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', 50) as number);
		const records: unknown[] = [];
		// Only the groups searches document `page`, but every search answers with the same
		// page/pages/limit/count fields, so every search is paged the same way.
		for (let page = 1; records.length < limit; page++) {
			const body = await croncrmRequest(
				this,
				{ ...request, qs: { ...request.qs, page } },
				itemIndex,
			);
			const batch = recordsOf(body, spec.pagedRecords);
			if (batch === undefined) {
				throw new NodeApiError(this.getNode(), body as JsonObject, {
					itemIndex,
					message: `CRONCRM's reply has no list of records under "${spec.pagedRecords}"`,
					description: `${request.method} ${request.url} answered ${Object.keys(body).join(', ')}. Nothing is hidden: the reply is not what the API documents.`,
				});
			}
			if (batch.length === 0) break;
			records.push(...batch);
			const pages = Number(body.pages);
			if (!Number.isFinite(pages) || page >= pages) break;
		}
		return records.slice(0, limit).map((record) => ({
			// Some lists hold bare ids (blocked contacts): give them a field name.
			json:
				record && typeof record === 'object' ? (record as IDataObject) : { wid: String(record) },
			pairedItem,
		}));
	};
}

async function downloadInto(
	ctx: IExecutePaginationFunctions,
	spec: OperationSpec,
	body: IDataObject,
	itemIndex: number,
) {
	const download = spec.download!;
	const url = valueAt(body, download.urlPath);
	if (typeof url !== 'string' || url === '') {
		throw new NodeOperationError(
			ctx.getNode(),
			`CRONCRM returned no file URL to download (item ${itemIndex})`,
			{
				itemIndex,
				description: `The reply has no "${download.urlPath}". Turn off "Download File" to get the reply alone.`,
			},
		);
	}
	const file = await croncrmDownload(ctx, url, itemIndex);
	const fileName = download.fileNamePath ? valueAt(body, download.fileNamePath) : undefined;
	const mimeType = download.mimeTypePath ? valueAt(body, download.mimeTypePath) : undefined;
	const binaryPropertyName = ctx.getNodeParameter('binaryPropertyName', 'data') as string;
	return {
		[binaryPropertyName]: await ctx.helpers.prepareBinaryData(
			file.data,
			typeof fileName === 'string' && fileName ? fileName : undefined,
			typeof mimeType === 'string' && mimeType ? mimeType : file.mimeType,
		),
	};
}
