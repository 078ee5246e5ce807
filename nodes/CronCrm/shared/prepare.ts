import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FieldSpec } from './fields';
import type { OperationSpec } from './operation';
import { locationOf } from './operation';
import { CREDENTIAL_NAME } from '../transport';
import { DEFAULT_WINDOW_HOURS, windowHoursOf } from './alreadySent';
import { keyValueOf, matchKeyOf } from './upsert';
import { checkedChatId } from './whatsappCheck';
import type { PhoneRules } from './values';
import {
	InvalidValueError,
	isEmptyValue,
	splitList,
	toCountryCode,
	toHexColor,
	toHttpUrl,
	toPhoneDigits,
	toWidOfKind,
	toYmd,
} from './values';

/** Converts one value to what CRONCRM expects, by the field's kind. Throws with the reason. */
function convert(field: FieldSpec, value: unknown, rules: PhoneRules): unknown {
	const text = typeof value === 'string' ? value : String(value);
	const wid = (input: string) => toWidOfKind(input, field.widKinds, rules);
	// CRONCRM's own example creates a contact from a chat id. Ids go as typed, like everywhere:
	// an id has no "+" to say it is already international, so it is never completed.
	const phone = (input: string) =>
		field.acceptsChatId && input.trim().endsWith('@c.us')
			? `${toPhoneDigits(input.trim().slice(0, -'@c.us'.length))}@c.us`
			: toPhoneDigits(input, rules);
	if (field.range) return inRange(text, field.range);
	switch (field.kind) {
		case 'wid':
			return wid(text);
		case 'widList':
			return splitList(text)
				.map(wid)
				.join(field.separator ?? ',');
		case 'phone':
			return phone(text);
		case 'phoneList':
			return splitList(text)
				.map(phone)
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
			// A group picked by ID must be a group id: anything else would reach CRONCRM.
			return field.widKinds ? wid(text) : text.trim();
		case 'string':
		case 'text':
			return typeof value === 'string' ? value.trim() : value;
		default:
			return value;
	}
}

function inRange(text: string, [min, max]: [number, number]): number {
	const number = Number(text.trim());
	if (text.trim() === '' || !Number.isFinite(number) || number < min || number > max) {
		throw new InvalidValueError(`expected a number from ${min} to ${max}, got "${text}"`);
	}
	return number;
}

/**
 * n8n's "Retry On Fail" re-runs the whole node when one item fails, so every item that already
 * succeeded would be sent again: a second WhatsApp message, a second lead. Mutations refuse it;
 * the transport already retries what is safe to retry.
 */
function refuseRetryOnFail(ctx: IExecuteSingleFunctions) {
	if (ctx.getNode().retryOnFail && !ctx.continueOnFail()) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Turn off "Retry On Fail" in this node\'s settings: it would send again the items that already succeeded',
			{
				itemIndex: ctx.getItemIndex(),
				description:
					'This node already retries what CRONCRM did not process (rate limits, refused connections). To go on past failed items, set "On Error" to "Continue" instead. Nothing was sent.',
			},
		);
	}
}

/** The phone rules of the node's credentials: their Default Country Code. */
async function phoneRules(ctx: IExecuteSingleFunctions): Promise<PhoneRules> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	try {
		return { countryCode: toCountryCode(credentials.defaultCountryCode) };
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Default Country Code in the CRONCRM credentials: ${(error as Error).message} (item ${ctx.getItemIndex()})`,
			{ itemIndex: ctx.getItemIndex(), description: 'Nothing was sent for this item.' },
		);
	}
}

/**
 * Runs once per item before anything is sent (n8n's preSend): drops what the user left empty,
 * checks and converts every value, completes phone numbers with the Default Country Code,
 * checks the chat's number with WhatsApp if asked, and adds the delivery header. A bad value
 * stops only this item, with an error naming the field and the item; no request leaves for it.
 */
export function prepareRequest(spec: OperationSpec) {
	const location = locationOf(spec.method);
	const fields = [...(spec.fields ?? []), ...(spec.optional ?? [])].filter((f) => !f.uiOnly);
	const requiredFields = new Set(
		(spec.fields ?? []).filter((f) => f.required).map((f) => f.apiName),
	);

	return async function (
		this: IExecuteSingleFunctions,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const itemIndex = this.getItemIndex();
		if (spec.method !== 'GET') refuseRetryOnFail(this);
		const target = ((location === 'body' ? requestOptions.body : requestOptions.qs) ??
			{}) as IDataObject;
		const rules = await phoneRules(this);

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
				target[field.apiName] = convert(field, value, rules) as IDataObject[string];
			} catch (error) {
				fail((error as Error).message);
			}
			for (const alias of field.alsoSentAs ?? []) target[alias] = target[field.apiName];
		}

		if (spec.alreadySent && this.getNodeParameter('skipIfAlreadySent', false)) {
			const hours = windowHoursOf(this.getNodeParameter('skipWindowHours', DEFAULT_WINDOW_HOURS));
			if (typeof hours === 'string') {
				throw new NodeOperationError(
					this.getNode(),
					`Window (Hours): ${hours} (item ${itemIndex})`,
					{ itemIndex, description: 'Skip If Already Sent looks back this far. Nothing was sent.' },
				);
			}
		}

		if (spec.upsert) {
			const key = matchKeyOf(
				spec.upsert,
				this.getNodeParameter('matchBy', spec.upsert.keys[0].value) as string,
			);
			if (keyValueOf(key, target) === undefined) {
				throw new NodeOperationError(
					this.getNode(),
					`Match By ${key.name}: the ${spec.upsert.record}'s ${key.name} is empty (item ${itemIndex})`,
					{
						itemIndex,
						description: `Create or Update finds the ${spec.upsert.record} by it: add the field under Additional Fields. Nothing was sent for this item.`,
					},
				);
			}
		}

		const problem = spec.validate?.(target);
		if (problem) {
			throw new NodeOperationError(this.getNode(), `${problem} (item ${itemIndex})`, {
				itemIndex,
				description: 'Nothing was sent for this item.',
			});
		}

		const toClear = spec.clearable?.length
			? (this.getNodeParameter('clearFields', []) as string[])
			: [];
		for (const field of (spec.clearable ?? []).filter((f) => toClear.includes(f.apiName))) {
			if (target[field.apiName] !== undefined) {
				throw new NodeOperationError(
					this.getNode(),
					`${field.displayName}: both given a value and chosen in Clear Fields (item ${itemIndex})`,
					{ itemIndex, description: 'Set a value or clear the field, not both. Nothing was sent.' },
				);
			}
			target[field.apiName] = '';
		}

		if (spec.whatsappCheck && this.getNodeParameter('checkWhatsapp', false)) {
			target.chat_wid = await checkedChatId(this, String(target.chat_wid), itemIndex);
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
