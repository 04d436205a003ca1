// `rocketdeck build`: the compiled CLI bundle and the console's production build (`npm ci` runs it as `prepare`).

import { relative } from 'node:path';
import { EXIT_OK, stringOpt, type CommandSpec } from '../framework.ts';
import { buildBundle, freshBundle } from '../bundle.mjs';
import { buildConsole, consoleBuildIsFresh, PROJECT_ROOT } from '../../cluster/console-process.ts';

/** The lines of `next build` worth showing while it runs (its phases and page counts, errors). */
const NEXT_PROGRESS = /Creating|Compiled|Running TypeScript|Finished TypeScript|Collecting|Generating|Finalizing|rror|Failed|warn/;

export const buildCommand: CommandSpec = {
  name: 'build',
  summary: 'Build the compiled CLI (faster start) and the console (faster first start); npm ci runs it',
  usage: 'build [--cli] [--console] [--if-stale] [--dir DIR]',
  options: {
    cli: { type: 'boolean', description: 'only the CLI bundle (node_modules/.cache/rocketdeck/cli)' },
    console: { type: 'boolean', description: 'only the console (next build into .next)' },
    'if-stale': { type: 'boolean', description: 'skip what is newer than every source it is made from' },
    dir: { type: 'string', valueName: 'DIR', description: 'put the CLI bundle here instead (bin.mjs only runs the default one)' },
  },
  details: "Without a fresh CLI bundle 'rocketdeck' compiles its TypeScript at every start (tsx); without a console build the first 'rocketdeck console' or 'up' builds it.",
  async run(ctx) {
    const both = ctx.values.cli !== true && ctx.values.console !== true;
    const ifStale = ctx.values['if-stale'] === true;
    const report: Record<string, unknown> = {};
    const say = (line: string) => {
      if (!ctx.json) ctx.out(line);
    };
    if (both || ctx.values.cli === true) {
      const dir = stringOpt(ctx.values, 'dir');
      if (ifStale && freshBundle(dir)) {
        say('CLI bundle: up to date');
        report.cli = { built: false };
      } else {
        const t0 = Date.now();
        const r = await buildBundle(dir);
        const ms = Date.now() - t0;
        say(`CLI bundle: ${r.inputs} sources, ${(r.bytes / 1e6).toFixed(1)} MB in ${relative(PROJECT_ROOT, r.dir)} (${(ms / 1000).toFixed(1)} s)`);
        report.cli = { built: true, ms, ...r };
      }
    }
    if (both || ctx.values.console === true) {
      if (ifStale && consoleBuildIsFresh()) {
        say('console: up to date (.next)');
        report.console = { built: false };
      } else {
        say('console: next build (about 15 s on 2 cores, longer when busy) ...');
        const t0 = Date.now();
        await buildConsole((line) => {
          if (NEXT_PROGRESS.test(line)) say(`  ${line.trim()}`);
        });
        const ms = Date.now() - t0;
        say(`console: built in ${(ms / 1000).toFixed(1)} s`);
        report.console = { built: true, ms };
      }
    }
    if (ctx.json) ctx.out(JSON.stringify(report));
    return EXIT_OK;
  },
};
