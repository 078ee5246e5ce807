import type { IDataObject } from 'n8n-workflow';

import type { MatchKey, UpsertSpec } from './operation';
import { valueAt } from './values';

/**
 * Create or Update (upsert): the pure half. Which key the item matches by, what the search is
 * asked, and which of its records really match: CRONCRM's searches are fuzzy or partial ("equals
 * or resembles"), so every candidate is compared again here before anything is changed.
 */

export function matchKeyOf(spec: UpsertSpec, value: string): MatchKey {
	return spec.keys.find((key) => key.value === value) ?? spec.keys[0];
}

/** The key's value in the prepared request: the first of its fields that was given. */
export function keyValueOf(key: MatchKey, body: IDataObject): string | undefined {
	for (const field of key.fields) {
		const value = body[field];
		if (value !== undefined && value !== null && String(value).trim() !== '') return String(value);
	}
	return undefined;
}

/** The search that finds candidates: the key, and what narrows it (e.g. the contact's list). */
export function searchQueryOf(key: MatchKey, body: IDataObject, keyValue: string): IDataObject {
	const qs: IDataObject = { [key.query]: keyValue };
	for (const scope of key.scope ?? []) {
		if (body[scope.field] !== undefined) qs[scope.query] = body[scope.field];
	}
	return qs;
}

/** The candidates that really hold the key (and lie in the scope). */
export function matchingRecords(
	key: MatchKey,
	body: IDataObject,
	keyValue: string,
	candidates: unknown[],
): IDataObject[] {
	const wanted = key.normalize(keyValue);
	if (wanted === '') return [];
	return candidates.filter((candidate): candidate is IDataObject => {
		if (!candidate || typeof candidate !== 'object') return false;
		const record = candidate as IDataObject;
		const inScope = (key.scope ?? []).every(
			(scope) =>
				body[scope.field] === undefined ||
				String(valueAt(record, scope.recordPath) ?? '') === String(body[scope.field]),
		);
		return (
			inScope &&
			key.recordFields.some((field) => {
				const value = record[field];
				return value !== undefined && value !== null && key.normalize(String(value)) === wanted;
			})
		);
	});
}

/** Digits only: phones are stored as digits or as a chat id (…@c.us); CPF and CNPJ with or without dots. */
export const digitsOnly = (value: string) => value.replace(/@.*$/, '').replace(/\D/g, '');

export const caseless = (value: string) => value.trim().toLowerCase();
