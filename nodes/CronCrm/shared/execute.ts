import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IHttpRequestMethods,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { CronCrmRequest } from '../transport';
import { croncrmDownload, croncrmRequest, TIMEOUTS } from '../transport';
import { sendUnlessAlreadySent } from './alreadySent';
import type { OperationSpec } from './operation';
import { keyValueOf, matchingRecords, matchKeyOf, searchQueryOf } from './upsert';
import { valueAt } from './values';

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
			const body = spec.upsert
				? await createOrUpdate(this, spec, request, itemIndex)
				: spec.alreadySent && this.getNodeParameter('skipIfAlreadySent', false)
					? await sendUnlessAlreadySent(this, spec.alreadySent, request, itemIndex)
					: await croncrmRequest(this, request, itemIndex);
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
		const records = await readRecords(this, request, spec.pagedRecords, limit, itemIndex);
		return records.slice(0, limit).map((record) => ({
			// Some lists hold bare ids (blocked contacts): give them a field name.
			json:
				record && typeof record === 'object' ? (record as IDataObject) : { wid: String(record) },
			pairedItem,
		}));
	};
}

/**
 * The records of a search, page after page, up to `limit`. Only the groups searches document
 * `page`, but every search answers with the same page/pages/limit/count fields, so every search
 * is paged the same way.
 */
async function readRecords(
	ctx: IExecutePaginationFunctions,
	request: CronCrmRequest,
	recordsKey: string,
	limit: number,
	itemIndex: number,
): Promise<unknown[]> {
	const records: unknown[] = [];
	for (let page = 1; records.length < limit; page++) {
		const body = await croncrmRequest(ctx, { ...request, qs: { ...request.qs, page } }, itemIndex);
		const batch = recordsOf(body, recordsKey);
		if (batch === undefined) {
			throw new NodeApiError(ctx.getNode(), body as JsonObject, {
				itemIndex,
				message: `CRONCRM's reply has no list of records under "${recordsKey}"`,
				description: `${request.method} ${request.url} answered ${Object.keys(body).join(', ')}. Nothing is hidden: the reply is not what the API documents.`,
			});
		}
		if (batch.length === 0) break;
		records.push(...batch);
		const pages = Number(body.pages);
		if (!Number.isFinite(pages) || page >= pages) break;
	}
	return records;
}

/**
 * Create or Update: looks for the record by the Match By key (prepareRequest made sure the item
 * has it) and updates the one match, or creates the record when none matches. Several matches
 * stop the item before anything changes: which one to update is the user's call, not a guess.
 */
async function createOrUpdate(
	ctx: IExecutePaginationFunctions,
	spec: OperationSpec,
	request: CronCrmRequest,
	itemIndex: number,
): Promise<IDataObject> {
	const upsert = spec.upsert!;
	const key = matchKeyOf(upsert, ctx.getNodeParameter('matchBy', upsert.keys[0].value) as string);
	const body = request.body ?? {};
	const keyValue = keyValueOf(key, body)!;
	const candidates = await readRecords(
		ctx,
		{
			method: 'GET',
			url: upsert.findPath,
			qs: searchQueryOf(key, body, keyValue),
			extra: request.extra,
		},
		upsert.records,
		Infinity,
		itemIndex,
	);
	const matches = matchingRecords(key, body, keyValue, candidates);
	if (matches.length > 1) {
		const tokens = matches.map((record) => String(record.access_token)).join(', ');
		throw new NodeOperationError(
			ctx.getNode(),
			`${key.name} "${keyValue}" matches ${matches.length} ${upsert.record}s (access_token ${tokens}) (item ${itemIndex})`,
			{
				itemIndex,
				description: `Nothing was created or changed. Update the right one with its access_token, or match by another key.`,
			},
		);
	}
	if (matches.length === 1) {
		const reply = await croncrmRequest(
			ctx,
			{
				...request,
				method: 'PUT',
				url: upsert.updatePath,
				body: { ...body, access_token: matches[0].access_token },
			},
			itemIndex,
		);
		return { ...reply, upsertAction: 'updated' };
	}
	const reply = await croncrmRequest(ctx, request, itemIndex);
	return { ...reply, upsertAction: 'created' };
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
