import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export default function globalSetup() {
	process.env.CRONCRM_ENDPOINT_LOG = mkdtempSync(join(tmpdir(), 'croncrm-endpoints-'));
	// n8n's user folders of the test workers (see test/helpers/engine.ts).
	process.env.CRONCRM_TEST_TMP = mkdtempSync(join(tmpdir(), 'croncrm-test-'));
}
