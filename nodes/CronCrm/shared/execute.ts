import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IHttpRequestMethods,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { croncrmDownload, croncrmRequest } from '../transport';
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
				timeout: options.timeout,
				proxy: options.proxy,
				skipSslCertificateValidation: Boolean(options.skipSslCertificateValidation),
			},
		};
		const pairedItem = { item: itemIndex };

		if (!spec.pagedRecords) {
			const body = await croncrmRequest(this, request, itemIndex);
			const item: INodeExecutionData = { json: body, pairedItem };
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
			const batch = body[spec.pagedRecords];
			if (!Array.isArray(batch) || batch.length === 0) break;
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
