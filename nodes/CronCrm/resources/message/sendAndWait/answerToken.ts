import { macFor, sameSecret } from '../../../shared/derivedKeys';

/**
 * The package's own proof on every answer link, checked by the node's webhook before it shows a
 * page or records an answer, on every n8n version. n8n 1.x did not check its own `signature` on
 * our links, so a contact could change the execution id in the link and answer someone else's
 * request; this token does not depend on what n8n checks.
 *
 * The token is an HMAC over what identifies the answer: the execution, the node and the answer
 * itself (`approved`, or its absence for forms), under a key derived from the credential's API
 * key, which n8n never puts in a link. Change any of them and the token no longer matches.
 */
export const TOKEN_PARAM = 'token';

export interface AnswerIdentity {
	executionId: string;
	nodeId: string;
	/** The `approved` query value of an approval link; undefined for a form link. */
	approved?: string;
}

export function answerToken(apiKey: string, identity: AnswerIdentity): string {
	return macFor(
		apiKey,
		'send-and-wait/answer',
		JSON.stringify([identity.executionId, identity.nodeId, identity.approved ?? null]),
	);
}

/** Constant-time check of a link's token against the one for this answer. */
export function isGenuineAnswer(apiKey: string, identity: AnswerIdentity, given: unknown): boolean {
	if (!apiKey || !identity.executionId || !identity.nodeId) return false;
	return sameSecret(given, answerToken(apiKey, identity));
}
