// Copies what tsc does not: the SVG icons, and each node's codex file (categories, docs links),
// next to the compiled code where n8n looks for them.
const path = require('path');
const { task, src, dest, parallel } = require('gulp');

task('build:icons', () => src('icons/*.svg').pipe(dest(path.resolve('dist', 'icons'))));

task('build:codex', () => src('nodes/**/*.node.json').pipe(dest(path.resolve('dist', 'nodes'))));

task('build:assets', parallel('build:icons', 'build:codex'));
