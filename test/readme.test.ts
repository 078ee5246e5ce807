import { readFileSync } from 'fs';

import { README_PATH, readmeWithTable } from '../scripts/readmeTable';

describe('README', () => {
	it('lists exactly the operations the node offers (run `npx tsx scripts/readmeTable.ts --write`)', () => {
		const readme = readFileSync(README_PATH, 'utf8');
		expect(readme).toBe(readmeWithTable(readme));
	});

	it('gives the test command that .ci/run runs', () => {
		const readme = readFileSync(README_PATH, 'utf8');
		const ci = readFileSync(`${__dirname}/../.ci/run`, 'utf8');
		expect(readme).toContain('npm test');
		expect(ci).toMatch(/^npm test$/m);
	});
});
