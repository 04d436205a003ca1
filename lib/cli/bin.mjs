#!/usr/bin/env -S node --initial-old-space-size=128 --expose-gc
// Entry point of the `rocketdeck` command: runs the compiled CLI bundle while it is fresh (built at install, see
// bundle.mjs), else the TypeScript sources through tsx's ESM hooks.
import '../cluster/exit-with-parent.mjs';
import { freshBundle } from './bundle.mjs';

const bundle = freshBundle();
let main;
if (bundle) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
