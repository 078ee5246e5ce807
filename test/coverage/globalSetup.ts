import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export default function globalSetup() {
	process.env.CRONCRM_ENDPOINT_LOG = mkdtempSync(join(tmpdir(), 'croncrm-endpoints-'));
}
