import { createCipheriv, createDecipheriv, randomBytes } from 'crypto';

import { derivedKey, macFor } from '../CronCrm/shared/derivedKeys';

export { sameSecret } from '../CronCrm/shared/derivedKeys';

/**
 * What the URL a trigger writes into a CRONCRM slot carries, so that neither accepting an event
 * nor deactivating depends on anything written during activation. n8n 2.x publishes workflows in
 * the background, so static data that `create` writes is not yet visible to a webhook call that
 * arrives right after the slot holds the URL; in queue mode the webhook processor is another
 * process altogether. Instead:
 * - the secret is HMAC-SHA256(key derived from the credential's API key, the node's identity):
 *   webhook() recomputes it for every call; a new API key gives a new secret;
 * - the slot's previous URL (the "undo record") travels in the URL itself, encrypted with
 *   AES-256-GCM under another key derived from the API key and bound to the node and the slot.
 *   Deactivation reads the slot back from CRONCRM and decrypts what to restore.
 */

/** Query parameter holding the secret; it also marks a URL as a CRONCRM Trigger's. */
export const SECRET_PARAM = 'croncrm_secret';
/** Query parameter holding the encrypted previous URL of the slot (absent: the slot was empty). */
export const UNDO_PARAM = 'croncrm_undo';

/** The secret of a trigger node: the same in every process and at every moment. */
export function secretFor(apiKey: string, identity: string): string {
	return macFor(apiKey, 'trigger/secret', identity);
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts a slot's previous URL; `context` (node identity and slot) is authenticated too. */
export function sealUndo(apiKey: string, context: string, previous: string): string {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', derivedKey(apiKey, 'trigger/undo'), iv);
	cipher.setAAD(Buffer.from(context));
	const sealed = Buffer.concat([cipher.update(previous, 'utf8'), cipher.final()]);
	return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The previous URL, or undefined if the record was not made with this API key for this slot. */
export function openUndo(apiKey: string, context: string, record: string): string | undefined {
	try {
		const bytes = Buffer.from(record, 'base64url');
		if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
		const decipher = createDecipheriv(
			'aes-256-gcm',
			derivedKey(apiKey, 'trigger/undo'),
			bytes.subarray(0, IV_BYTES),
		);
		decipher.setAAD(Buffer.from(context));
		decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
		return Buffer.concat([
			decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
			decipher.final(),
		]).toString('utf8');
	} catch {
		return undefined;
	}
}

/** n8n's webhook URL with the secret and, if the slot held something, its undo record. */
export function triggerUrl(base: string, secret: string, undo: string | undefined): string {
	const result = new URL(base);
	result.searchParams.set(SECRET_PARAM, secret);
	if (undo !== undefined) result.searchParams.set(UNDO_PARAM, undo);
	return result.toString();
}

export function queryParam(url: string, name: string): string | undefined {
	if (!URL.canParse(url)) return undefined;
	return new URL(url).searchParams.get(name) ?? undefined;
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

/** For error messages: a trigger URL without its secret and undo record. */
export function redact(url: string): string {
	if (!isTriggerUrl(url)) return url;
	return `${withoutQuery(url)}?${SECRET_PARAM}=***`;
}
