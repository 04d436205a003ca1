// The room rules (.dependency-cruiser.cjs) on a small tree of rooms in a temp dir: a wrong import fails the check
// and names its rule, a right one passes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = path.join(ROOT, '.ci', 'deps', 'depcruise.mjs');
const RULES = path.join(ROOT, '.dependency-cruiser.cjs');

let dir: string;

/** Writes `files` (path -> source) into a fresh tree and runs the check over it; exit code and report. */
function check(files: Record<string, string>): { status: number | null; out: string } {
  rmSync(path.join(dir, 'lib'), { recursive: true, force: true });
  rmSync(path.join(dir, 'components'), { recursive: true, force: true });
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  const roots = [...new Set(Object.keys(files).map((f) => f.split('/')[0]!))];
  const r = spawnSync(process.execPath, [RUNNER, ...roots, '--config', RULES, '--output-type', 'err'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('room rules', () => {
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rd-deps-'));
    // the repository's own resolution settings: explicit .ts extensions and the @/ alias
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', allowImportingTsExtensions: true, noEmit: true, paths: { '@/*': ['./*'] } } }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the broker importing the store passes', () => {
    const r = check({
      'lib/store/store.ts': 'export const store = 1;\n',
      'lib/broker/broker.ts': "import { store } from '../store/store.ts';\nexport const broker = store;\n",
    });
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /no dependency violations/);
  });

  // one wrong import each: [what, the tree, the violation the report must name]
  const wrong: Array<[string, Record<string, string>, RegExp]> = [
    [
      'the store importing the broker',
      {
        'lib/broker/broker.ts': 'export const broker = 1;\n',
        'lib/store/store.ts': "import { broker } from '../broker/broker.ts';\nexport const store = broker;\n",
      },
      /store-stays-below-the-servers: lib\/store\/store\.ts → lib\/broker\/broker\.ts/,
    ],
    [
      'remoting importing a type from protocol (a cycle between rooms)',
      {
        'lib/protocol/codes.ts': 'export const code = 1;\n',
        'lib/remoting/client.ts': "import type { code } from '../protocol/codes.ts';\nexport type C = typeof code;\n",
      },
      /room-layers: lib\/remoting\/client\.ts → lib\/protocol\/codes\.ts/,
    ],
    [
      'the store reaching the transport through protocol',
      {
        'lib/remoting/errors.ts': 'export class RemotingError extends Error {}\n',
        'lib/protocol/errors.ts': "import { RemotingError } from '../remoting/errors.ts';\nexport class DecodeError extends RemotingError {}\n",
        'lib/store/reads.ts': "import { DecodeError } from '../protocol/errors.ts';\nexport const e = DecodeError;\n",
      },
      /store-loads-no-networking: lib\/store\/reads\.ts → lib\/remoting\/errors\.ts/,
    ],
    [
      'a module nothing imports and that imports nothing',
      {
        'lib/common/log.ts': 'export const log = 1;\n',
        'lib/common/user.ts': "import { log } from './log.ts';\nexport const user = log;\n",
        'lib/common/dead.ts': 'export const nobody = 1;\n',
      },
      /no-orphans: lib\/common\/dead\.ts/,
    ],
    [
      'the cli importing the console',
      {
        'lib/console/boot.ts': 'export const boot = 1;\n',
        'lib/cli/console.ts': "import { boot } from '../console/boot.ts';\nexport const c = boot;\n",
      },
      /only-app-imports-the-console: lib\/cli\/console\.ts → lib\/console\/boot\.ts/,
    ],
  ];
  for (const [what, files, violation] of wrong) {
    test(`${what} fails, naming the rule and the import`, () => {
      const r = check(files);
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, violation);
    });
  }

  test('the console reading the wire fails; a component may import types from lib, not code', () => {
    const r = check({
      'lib/remoting/client.ts': 'export class RemotingClient {}\n',
      'lib/admin/index.ts': 'export interface Answer { ok: boolean }\nexport const admin = 1;\n',
      'lib/console/view.ts': "import { RemotingClient } from '../remoting/client.ts';\nexport const c = RemotingClient;\n",
      'components/a.tsx': "import type { Answer } from '@/lib/admin/index.ts';\nexport type A = Answer;\n",
      'components/b.tsx': "import { admin } from '@/lib/admin/index.ts';\nexport const b = admin;\n",
    });
    assert.equal(r.status, 2, r.out);
    assert.match(r.out, /ui-never-touches-the-wire: lib\/console\/view\.ts → lib\/remoting\/client\.ts/);
    assert.match(r.out, /components-import-only-types-from-lib: components\/b\.tsx → lib\/admin\/index\.ts/);
    assert.doesNotMatch(r.out, /components\/a\.tsx/);
  });
});
