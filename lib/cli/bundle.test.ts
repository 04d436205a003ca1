// The compiled CLI bundle: built into a temp directory, it runs commands that find files by import.meta.url; it
// counts as fresh only while its manifest matches this checkout and no input is newer than its build.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, freshBundle } from './bundle.mjs';

describe('CLI bundle', () => {
  let parent: string;
  let dir: string;

  before(async () => {
    parent = mkdtempSync(join(tmpdir(), 'rd-bundle-'));
    dir = join(parent, 'cli');
    const r = await buildBundle(dir);
    assert.ok(r.inputs > 50, `${r.inputs} inputs`);
  });

  after(() => rmSync(parent, { recursive: true, force: true }));

  test('runs commands, including one that finds package.json by its import.meta.url, and builds the next bundle', () => {
    const url = freshBundle(dir);
    assert.ok(url, 'a bundle just built is fresh');
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(url)}); process.exitCode = await main(${JSON.stringify(args)});`], {
        encoding: 'utf8',
        timeout: 30_000,
      });
    const version = run(['version', '--json']);
    assert.equal(version.status, 0, version.stderr);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(JSON.parse(version.stdout).rocketdeck, pkg.version);
    // The bundle builds the next one as well as the sources do (its copy of the builder is bundled too).
    const next = join(parent, 'next');
    const build = run(['build', '--cli', '--dir', next]);
    assert.equal(build.status, 0, build.stderr);
    const again = spawnSync(process.execPath, ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(freshBundle(next))}); process.exitCode = await main(['version', '--json']);`], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).rocketdeck, pkg.version);
    const help = run(['admin', '--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /clusterList/);
  });

  test('an input newer than the build, or a manifest of another checkout, makes it stale', () => {
    const file = join(dir, 'manifest.json');
    const original = readFileSync(file, 'utf8');
    try {
      const m = JSON.parse(original) as { builtAtMs: number; root: string; inputs: string[] };
      writeFileSync(file, JSON.stringify({ ...m, builtAtMs: 0 }));
      assert.equal(freshBundle(dir), undefined);
      writeFileSync(file, JSON.stringify({ ...m, root: '/elsewhere' }));
      assert.equal(freshBundle(dir), undefined);
      writeFileSync(file, JSON.stringify({ ...m, inputs: [...m.inputs, 'lib/no-such-file.ts'] }));
      assert.equal(freshBundle(dir), undefined);
      writeFileSync(file, original);
      assert.ok(freshBundle(dir));
    } finally {
      writeFileSync(file, original);
    }
  });

  test('ROCKETDECK_BUNDLE=0 turns it off', () => {
    process.env.ROCKETDECK_BUNDLE = '0';
    try {
      assert.equal(freshBundle(dir), undefined);
    } finally {
      delete process.env.ROCKETDECK_BUNDLE;
    }
  });
});
