// Copies what tsc does not: the SVG icons, each node's codex file (categories, docs links) and
// output schemas, next to the compiled code where n8n looks for them.
const fs = require('fs');
const path = require('path');
const { task, src, dest, parallel } = require('gulp');

task('build:icons', () => src('icons/*.svg').pipe(dest(path.resolve('dist', 'icons'))));

// Codex files live in nodes/<Node>/codex/, not beside the .ts sources: there, `import './X.node'`
// would resolve to X.node.json under tsx. n8n expects them beside the compiled node.
const codexCopies = fs
	.readdirSync('nodes')
	.filter((node) => fs.existsSync(path.join('nodes', node, 'codex')))
	.map((node) => {
		const copy = () =>
			src(`nodes/${node}/codex/*.node.json`).pipe(dest(path.resolve('dist', 'nodes', node)));
		copy.displayName = `build:codex:${node}`;
		return copy;
	});

// Output schemas (scripts/schemas.ts) go where n8n's loader looks: __schema__ beside the node file.
const schemaCopies = fs
	.readdirSync('nodes')
	.filter((node) => fs.existsSync(path.join('nodes', node, '__schema__')))
	.map((node) => {
		const copy = () =>
			src(`nodes/${node}/__schema__/**/*.json`).pipe(
				dest(path.resolve('dist', 'nodes', node, '__schema__')),
			);
		copy.displayName = `build:schemas:${node}`;
		return copy;
	});

task('build:assets', parallel('build:icons', ...codexCopies, ...schemaCopies));
