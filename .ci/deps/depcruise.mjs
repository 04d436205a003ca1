// Runs dependency-cruiser (the room rules: .dependency-cruiser.cjs) with the TypeScript 5 compiler API it parses
// .ts/.tsx files with. The project compiles with TypeScript 7, whose npm package has no compiler API, and
// dependency-cruiser looks `typescript` up from its own folder; so this sends that one name, asked for by
// dependency-cruiser only, to the copy installed in .ci/deps/node_modules. Arguments go to depcruise unchanged.

import Module, { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = createRequire(import.meta.url);
const fromCruiser = (parent) => Boolean(parent?.filename?.includes(`${path.sep}node_modules${path.sep}dependency-cruiser${path.sep}`));

// CommonJS lookups: dependency-cruiser reads typescript/package.json through require to check the version.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if ((request === 'typescript' || request.startsWith('typescript/')) && fromCruiser(parent)) return here.resolve(request);
  return resolveFilename.call(this, request, parent, ...rest);
};

// ESM imports: it loads the compiler with import('typescript').
register('./typescript-hook.mjs', import.meta.url, {
  data: { typescriptUrl: pathToFileURL(here.resolve('typescript')).href },
});

const cruiserMain = fileURLToPath(import.meta.resolve('dependency-cruiser'));
const bin = path.join(cruiserMain, '..', '..', '..', 'bin', 'dependency-cruise.mjs');
process.argv = [process.argv[0], bin, ...process.argv.slice(2)];
await import(pathToFileURL(bin).href);
