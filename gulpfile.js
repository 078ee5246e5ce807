// Copies the SVG icons next to the compiled nodes and credentials, where n8n looks for `file:` icons.
const path = require('path');
const { task, src, dest } = require('gulp');

task('build:icons', () =>
	src('icons/*.svg').pipe(dest(path.resolve('dist', 'icons'))),
);
