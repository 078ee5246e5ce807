import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * Which CRONCRM endpoints the tests reached through n8n's engine. Each sandbox writes the routes
 * it answered successfully; after the whole run, every endpoint of the collection must be there.
 */
export const ENDPOINT_LOG_DIR =
	process.env.CRONCRM_ENDPOINT_LOG ?? join(tmpdir(), `croncrm-endpoints-${process.ppid}`);

export function recordReachedEndpoints(routes: string[]) {
	mkdirSync(ENDPOINT_LOG_DIR, { recursive: true });
	const file = join(
		ENDPOINT_LOG_DIR,
		`${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
	);
	writeFileSync(file, JSON.stringify(routes));
}

export function readReachedEndpoints(dir: string): Set<string> {
	const reached = new Set<string>();
	for (const file of readdirSync(dir)) {
		for (const route of JSON.parse(readFileSync(join(dir, file), 'utf8')) as string[])
			reached.add(route);
	}
	return reached;
}
