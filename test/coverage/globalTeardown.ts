import { rmSync } from 'fs';

import { RESOURCES } from '../../nodes/CronCrm/resources';
import { SCHEMA_CHECK_PREFIX } from '../helpers/schemas';
import { ENDPOINTS } from '../../sandbox/contract';
import { readReachedEndpoints } from './endpointLog';

/**
 * With CRONCRM_REQUIRE_ALL_ENDPOINTS=1 (set by `npm test`), the run fails unless every endpoint
 * of the collection was answered with success at least once, through the engine, with the
 * collection's own method and path (trailing slash included).
 */
export default function globalTeardown() {
	const testTmp = process.env.CRONCRM_TEST_TMP;
	if (testTmp) rmSync(testTmp, { recursive: true, force: true });
	const dir = process.env.CRONCRM_ENDPOINT_LOG;
	if (!dir) return;
	const reached = readReachedEndpoints(dir);
	rmSync(dir, { recursive: true, force: true });
	const missing = ENDPOINTS.map((e) => `${e.method} ${e.path}`).filter(
		(route) => !reached.has(route),
	);
	console.log(
		`\nCRONCRM endpoints reached through n8n's engine: ${ENDPOINTS.length - missing.length} of ${ENDPOINTS.length}`,
	);
	// Every operation's output must have been held to its output schema at least once.
	const operations = RESOURCES.flatMap((resource) =>
		resource.operations.map((op) => `${resource.value}.${op.value}`),
	);
	const unchecked = operations.filter((op) => !reached.has(`${SCHEMA_CHECK_PREFIX}${op}`));
	console.log(
		`Operations whose output was checked against their output schema: ${operations.length - unchecked.length} of ${operations.length}`,
	);
	if (process.env.CRONCRM_REQUIRE_ALL_ENDPOINTS === '1' && missing.length > 0) {
		throw new Error(`Endpoints never reached by the tests:\n  ${missing.join('\n  ')}`);
	}
	if (process.env.CRONCRM_REQUIRE_ALL_ENDPOINTS === '1' && unchecked.length > 0) {
		throw new Error(
			`Operations whose output no test checked against its schema:\n  ${unchecked.join('\n  ')}`,
		);
	}
}
