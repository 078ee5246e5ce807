/**
 * Under tsx, `import ... from './CronCrm.node'` resolves to CronCrm.node.json (the node's codex
 * file) because Node tries `.json` before `.ts`. Moving `.json` to the end of the extension list
 * makes the TypeScript source win, as it does under jest and tsc. Import this module first.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extensions = require.extensions as Record<
	string,
	NodeJS.RequireExtensions[string] | undefined
>;
const json = extensions['.json'];
delete extensions['.json'];
extensions['.json'] = json;

export {};
