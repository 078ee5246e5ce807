import { createHash, createHmac, timingSafeEqual } from 'crypto';

/**
 * Keys the package derives from the credential's API key, one per purpose, so that n8n's links
 * can carry proofs that only someone holding the API key could have made, while the API key
 * itself never leaves n8n. Both nodes use them: the trigger for the secret and undo record in
 * the URL it writes into CRONCRM, Send and Wait for the tokens of its answer links.
 */
export type KeyPurpose = 'trigger/secret' | 'trigger/undo' | 'send-and-wait/answer';

/** A key for one purpose: a new API key gives new keys, and no key opens another purpose's. */
export function derivedKey(apiKey: string, purpose: KeyPurpose): Buffer {
	return createHmac('sha256', apiKey).update(`n8n-nodes-croncrm/${purpose}`).digest();
}

/** HMAC-SHA256 of `message` under the purpose's key, URL-safe. */
export function macFor(apiKey: string, purpose: KeyPurpose, message: string): string {
	return createHmac('sha256', derivedKey(apiKey, purpose)).update(message).digest('base64url');
}

/** Constant-time comparison; hashing first gives both sides the same length. */
export function sameSecret(given: unknown, expected: string): boolean {
	if (typeof given !== 'string' || given === '' || expected === '') return false;
	const digest = (value: string) => createHash('sha256').update(value).digest();
	return timingSafeEqual(digest(given), digest(expected));
}
