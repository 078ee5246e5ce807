/**
 * Value checks and conversions for CRONCRM fields. Each returns the value to send, or throws an
 * InvalidValueError saying what was expected; the caller turns it into a NodeOperationError
 * that names the field and the item.
 */
export class InvalidValueError extends Error {}

/** The suffixes of WhatsApp ids CRONCRM understands: person, group, and Meta's private id. */
const WID_PATTERN = /^[0-9A-Za-z._:-]+@(c\.us|g\.us|lid)$/;

/**
 * Turns a phone number in any formatting ("+55 (21) 98824-8085") into a WhatsApp id
 * ("5521988248085@c.us"); ids that already carry @c.us, @g.us or @lid pass unchanged.
 */
export function toWid(input: string): string {
	const value = input.trim();
	if (value.includes('@')) {
		if (WID_PATTERN.test(value)) return value;
		throw new InvalidValueError(
			`expected a phone number or a WhatsApp id ending in @c.us, @g.us or @lid, got "${value}"`,
		);
	}
	return `${toPhoneDigits(value)}@c.us`;
}

/**
 * A WhatsApp id of one of the allowed kinds (c.us person, g.us group, lid private person id).
 * A phone number is a person, so where only groups are allowed it is refused too.
 */
export function toWidOfKind(input: string, allowed: string[] | undefined): string {
	if (!allowed) return toWid(input);
	const onlyGroups = !allowed.includes('c.us');
	const expected = onlyGroups
		? 'a group id ending in @g.us'
		: 'a person (phone number, @c.us or @lid), not a group';
	if (onlyGroups && !input.includes('@')) {
		throw new InvalidValueError(`expected ${expected}, got "${input.trim()}"`);
	}
	const wid = toWid(input);
	if (!allowed.includes(wid.slice(wid.indexOf('@') + 1))) {
		throw new InvalidValueError(`expected ${expected}, got "${wid}"`);
	}
	return wid;
}

/** Keeps the digits of a phone number written in any common formatting. */
export function toPhoneDigits(input: string): string {
	const value = input.trim();
	if (!/^\+?[\d\s().-]+$/.test(value)) {
		throw new InvalidValueError(
			`expected a phone number with country and area code, got "${value}"`,
		);
	}
	const digits = value.replace(/\D/g, '');
	if (digits.length < 8 || digits.length > 15) {
		throw new InvalidValueError(
			`expected 8 to 15 digits (country code, area code, number), got ${digits.length} in "${value}"`,
		);
	}
	return digits;
}

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
