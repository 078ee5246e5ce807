import { createHash, randomBytes, timingSafeEqual } from 'crypto';

/**
 * CRONCRM signs nothing, so the URL the trigger registers carries a random secret; a call
 * without it did not come from the registered slot. The query parameter's name also marks a URL
 * as a CRONCRM Trigger's, which is how activation recognises another workflow's registration.
 */
export const SECRET_PARAM = 'croncrm_secret';

export function newSecret(): string {
	return randomBytes(24).toString('hex');
}

export function withSecret(url: string, secret: string): string {
	const result = new URL(url);
	result.searchParams.set(SECRET_PARAM, secret);
	return result.toString();
}

/** The URL without its query: what identifies the n8n webhook it points to. */
export function withoutQuery(url: string): string {
	if (!URL.canParse(url)) return url;
	const result = new URL(url);
	result.search = '';
	result.hash = '';
	return result.toString();
}

export function isTriggerUrl(url: string): boolean {
	return URL.canParse(url) && new URL(url).searchParams.has(SECRET_PARAM);
}

/** For error messages: the URL with its secret hidden. */
export function redact(url: string): string {
	if (!isTriggerUrl(url)) return url;
	const result = new URL(url);
	result.searchParams.set(SECRET_PARAM, '***');
	return result.toString().replace('%2A%2A%2A', '***');
}

/** Constant-time comparison; hashing first gives both sides the same length. */
export function sameSecret(given: unknown, expected: string): boolean {
	if (typeof given !== 'string' || given === '' || expected === '') return false;
	const digest = (value: string) => createHash('sha256').update(value).digest();
	return timingSafeEqual(digest(given), digest(expected));
}
