import type { IDataObject } from 'n8n-workflow';

/**
 * Value checks and conversions for CRONCRM fields. Each returns the value to send, or throws an
 * InvalidValueError saying what was expected; the caller turns it into a NodeOperationError
 * that names the field and the item.
 */
export class InvalidValueError extends Error {}

/**
 * The suffixes of WhatsApp ids CRONCRM understands: a person's number (c.us), a group (g.us),
 * and Meta's private ids for a person (lid, jid), which have-whatsapp may answer instead of c.us.
 */
const WID_PATTERN = /^[0-9A-Za-z._:-]+@(c\.us|g\.us|lid|jid)$/;

/**
 * A phone-based id as Baileys-style tools write it ("5521988248085@s.whatsapp.net", with a
 * device after a colon at times): the same person as "5521988248085@c.us", which CRONCRM takes.
 */
const BAILEYS_PATTERN = /^(\d{8,15})(?::\d+)?@s\.whatsapp\.net$/;

/** How phone numbers written without a country code are completed. */
export interface PhoneRules {
	/**
	 * Digits added in front of a national number (area code + number, 10 or 11 digits), from
	 * the credentials' Default Country Code; empty leaves numbers as typed.
	 */
	countryCode: string;
}

export const NO_PHONE_RULES: PhoneRules = { countryCode: '' };

/**
 * Turns a phone number in any formatting ("+55 (21) 98824-8085", "(21) 98824-8085") into a
 * WhatsApp id ("5521988248085@c.us"); ids that already carry @c.us, @g.us, @lid or @jid pass
 * unchanged, and "…@s.whatsapp.net" becomes "…@c.us".
 */
export function widOf(input: string, rules: PhoneRules): string {
	const value = input.trim();
	const baileys = BAILEYS_PATTERN.exec(value);
	if (baileys) return `${baileys[1]}@c.us`;
	if (value.includes('@')) {
		if (WID_PATTERN.test(value)) return value;
		throw new InvalidValueError(
			`expected a phone number or a WhatsApp id ending in @c.us, @g.us, @lid or @jid, got "${value}"`,
		);
	}
	return `${toPhoneDigits(value, rules)}@c.us`;
}

/** `widOf` for numbers typed in full, without a Default Country Code (e.g. `list.map(toWid)`). */
export function toWid(input: string): string {
	return widOf(input, NO_PHONE_RULES);
}

/** The kind of a WhatsApp id: c.us, g.us, lid or jid. */
export function widKind(wid: string): string {
	return wid.slice(wid.indexOf('@') + 1);
}

/**
 * A WhatsApp id of one of the allowed kinds (c.us person, g.us group, lid/jid private person
 * id). A phone number is a person, so where only groups are allowed it is refused too.
 */
export function toWidOfKind(
	input: string,
	allowed: string[] | undefined,
	rules: PhoneRules = NO_PHONE_RULES,
): string {
	if (!allowed) return widOf(input, rules);
	const onlyGroups = !allowed.includes('c.us');
	const expected = onlyGroups
		? 'a group id ending in @g.us'
		: 'a person (phone number, @c.us, @lid or @jid), not a group';
	if (onlyGroups && !input.includes('@')) {
		throw new InvalidValueError(`expected ${expected}, got "${input.trim()}"`);
	}
	const wid = widOf(input, rules);
	if (!allowed.includes(widKind(wid))) {
		throw new InvalidValueError(`expected ${expected}, got "${wid}"`);
	}
	return wid;
}

/**
 * The digits of a phone number written in any common formatting, with the country code. A
 * number typed the national way, area code and number (10 or 11 digits in Brazil, where mobile
 * numbers have a ninth digit), gets the Default Country Code in front; so does one dialled with
 * the national trunk 0 ("0 21 98824-8085"). A leading + or 00 marks the number as already
 * international.
 */
export function toPhoneDigits(input: string, rules: PhoneRules = NO_PHONE_RULES): string {
	const value = input.trim();
	if (!/^\+?[\d\s().-]+$/.test(value)) {
		throw new InvalidValueError(
			`expected a phone number with country and area code, got "${value}"`,
		);
	}
	let digits = value.replace(/\D/g, '');
	const international = value.startsWith('+') || digits.startsWith('00');
	if (digits.startsWith('00')) digits = digits.slice(2);
	if (!international && rules.countryCode) {
		if (/^0\d{10,11}$/.test(digits)) digits = digits.slice(1);
		if (digits.length === 10 || digits.length === 11) digits = rules.countryCode + digits;
	}
	if (digits.length < 8 || digits.length > 15) {
		throw new InvalidValueError(
			`expected 8 to 15 digits (country code, area code, number), got ${digits.length} in "${value}"`,
		);
	}
	return digits;
}

/**
 * The credentials' Default Country Code as digits ("+55" → "55"); empty turns the completion
 * of national numbers off. Credentials saved before the field existed get Brazil's 55.
 */
export function toCountryCode(input: unknown): string {
	if (input === undefined || input === null) return DEFAULT_COUNTRY_CODE;
	const digits = String(input).trim().replace(/^\+/, '');
	if (digits === '') return '';
	if (!/^[1-9]\d{0,2}$/.test(digits)) {
		throw new InvalidValueError(
			`expected 1 to 3 digits such as 55 (Brazil), got "${String(input)}"`,
		);
	}
	return digits;
}

export const DEFAULT_COUNTRY_CODE = '55';

export function toHttpUrl(input: string): string {
	const value = input.trim();
	const url = URL.canParse(value) ? new URL(value) : undefined;
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		throw new InvalidValueError(`expected an http(s) URL, got "${value}"`);
	}
	return value;
}

export function toHexColor(input: string): string {
	const value = input.trim();
	if (!/^#[0-9A-Fa-f]{6}$/.test(value)) {
		throw new InvalidValueError(
			`expected a color as #RRGGBB (for example #28CC56), got "${value}"`,
		);
	}
	return value.toUpperCase();
}

/** CRONCRM takes dates as Y-m-d. Accepts a date or an ISO date-time (n8n's date picker). */
export function toYmd(input: string): string {
	const value = input.trim();
	const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
	if (match) {
		const [, year, month, day] = match;
		const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
		if (
			date.getUTCFullYear() === Number(year) &&
			date.getUTCMonth() === Number(month) - 1 &&
			date.getUTCDate() === Number(day)
		) {
			return `${year}-${month}-${day}`;
		}
	}
	throw new InvalidValueError(`expected a date as YYYY-MM-DD, got "${value}"`);
}

/** Splits a list written with commas, semicolons or new lines. */
export function splitList(input: string): string[] {
	return input
		.split(/[,;\n]/)
		.map((part) => part.trim())
		.filter((part) => part.length > 0);
}

/** Values a user left empty: they are never sent, since CRONCRM treats "" as a real filter. */
export function isEmptyValue(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

/** Message types that carry a file (messages/get-file can fetch it). */
export const MEDIA_TYPES = new Set([
	'document',
	'image',
	'audio',
	'ptt',
	'video',
	'ptv',
	'sticker',
]);

/** The value at a dotted path (`picture.imgFull`) of a reply or record, or undefined. */
export function valueAt(source: IDataObject, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>(
			(current, key) =>
				current && typeof current === 'object' ? (current as IDataObject)[key] : undefined,
			source,
		);
}
