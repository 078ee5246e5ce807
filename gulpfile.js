// `n8n-node build` compiles with tsc and copies the SVG icons; it does not copy codex files
// (categories, docs links), so this task puts each node's codex file next to its compiled code,
// where n8n looks for it.
const fs = require('fs');
const path = require('path');
const { task, src, dest, parallel } = require('gulp');

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

task('build:codex', parallel(...codexCopies));
