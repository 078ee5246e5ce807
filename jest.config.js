/** Unit and engine tests: every operation runs through n8n-core against the local sandbox. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: "tsconfig.test.json" }] },
	globalSetup: '<rootDir>/test/coverage/globalSetup.ts',
	globalTeardown: '<rootDir>/test/coverage/globalTeardown.ts',
	testTimeout: 30000,
	maxWorkers: 2,
};
