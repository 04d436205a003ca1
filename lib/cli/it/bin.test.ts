// The installed `rocketdeck` entry point runs as a real process: help, version and exit codes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin.mjs', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('rocketdeck bin', () => {
  test('--help lists the commands and exits 0', () => {
    const r = run('--help');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Commands:/);
    assert.match(r.stdout, /console/);
    assert.match(r.stdout, /version/);
  });

  test('every command answers --help with exit 0', () => {
    const list = run('--help').stdout;
    const names = [...list.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]!).filter((n) => !n.startsWith('-'));
    assert.ok(names.length >= 2);
    for (const name of names) {
      const r = run(name, '--help');
      assert.equal(r.status, 0, `${name} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`Usage: rocketdeck ${name}`));
    }
  });

  test('version --json prints JSON', () => {
    const r = run('version', '--json');
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.equal(info.protocolVersion, 409);
  });

  test('an unknown command exits 2', () => {
    const r = run('frobnicate');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });
});
