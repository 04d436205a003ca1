// The node processes' V8 options: the `rocketdeck` command's shebang carries them, and node accepts them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from './node-flags.ts';

const BIN = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url));

describe('SERVER_NODE_FLAGS', () => {
  test('the rocketdeck command starts node with them (its shebang)', () => {
    const first = readFileSync(BIN, 'utf8').split('\n', 1)[0];
    assert.equal(first, `#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
  });

  test('node accepts them', () => {
    const r = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'ok');
  });
});
