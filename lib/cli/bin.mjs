#!/usr/bin/env node
// Entry point of the `rocketdeck` command: loads the TypeScript CLI through tsx's ESM hooks.
import '../cluster/exit-with-parent.mjs';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
