import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FieldSpec } from './fields';
import type { OperationSpec } from './operation';
import { locationOf } from './operation';
import {
	InvalidValueError,
	isEmptyValue,
	splitList,
	toHexColor,
	toHttpUrl,
	toPhoneDigits,
	toWid,
	toYmd,
} from './values';

/** Converts one value to what CRONCRM expects, by the field's kind. Throws with the reason. */
function convert(field: FieldSpec, value: unknown): unknown {
	const text = typeof value === 'string' ? value : String(value);
	switch (field.kind) {
		case 'wid':
			return toWid(text);
		case 'widList':
			return splitList(text)
				.map(toWid)
				.join(field.separator ?? ',');
		case 'phone':
			return toPhoneDigits(text);
		case 'phoneList':
			return splitList(text)
				.map(toPhoneDigits)
				.join(field.separator ?? ',');
		case 'url':
			return toHttpUrl(text);
		case 'color':
			return toHexColor(text);
		case 'date':
			return toYmd(text);
		case 'number': {
			const number = typeof value === 'number' ? value : Number(text);
			if (!Number.isFinite(number)) throw new InvalidValueError(`expected a number, got "${text}"`);
			return number;
		}
		case 'locator':
		case 'string':
		case 'text':
			return typeof value === 'string' ? value.trim() : value;
		default:
			return value;
	}
}

/**
 * Runs once per item before anything is sent (n8n's preSend): drops what the user left empty,
 * checks and converts every value, and adds the delivery header. A bad value stops only this
 * item, with an error naming the field and the item; no request leaves for it.
 */
export function prepareRequest(spec: OperationSpec) {
	const location = locationOf(spec.method);
	const fields = [...(spec.fields ?? []), ...(spec.optional ?? [])];
	const requiredFields = new Set(
		(spec.fields ?? []).filter((f) => f.required).map((f) => f.apiName),
	);

	return async function (
		this: IExecuteSingleFunctions,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const itemIndex = this.getItemIndex();
		const target = ((location === 'body' ? requestOptions.body : requestOptions.qs) ??
			{}) as IDataObject;

		for (const field of fields) {
			const fail = (reason: string) => {
				throw new NodeOperationError(
					this.getNode(),
					`${field.displayName}: ${reason} (item ${itemIndex})`,
					{
						itemIndex,
						description: `CRONCRM field ${field.apiName}. Nothing was sent for this item.`,
					},
				);
			};
			const value = target[field.apiName];
			if (isEmptyValue(value)) {
				delete target[field.apiName];
				if (requiredFields.has(field.apiName)) fail('is required but empty');
				continue;
			}
			try {
				target[field.apiName] = convert(field, value) as IDataObject[string];
			} catch (error) {
				fail((error as Error).message);
			}
		}

		if (location === 'body') requestOptions.body = target;
		else requestOptions.qs = target;

		if (spec.deliverImmediately && this.getNodeParameter('deliverImmediately', false)) {
			requestOptions.headers = {
				...requestOptions.headers,
				toTransmit: 'true',
			};
		}
		return requestOptions;
	};
}
