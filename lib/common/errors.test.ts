// The error root: every error class in lib/ extends RocketDeckError, spells its name out and keeps its old name.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRetriable, RocketDeckError } from './errors.ts';
import { MessageDecodeError } from '../protocol/message-errors.ts';
import { BodyError } from '../protocol/bodies/read.ts';
import { RemotingConnectError, RemotingError, RemotingTimeoutError, ResponseCodeError } from '../remoting/errors.ts';
import { StoreConfigError, StoreError, StoreIOError } from '../store/errors.ts';
import { MQClientError, NoRouteError, SendFailedError } from '../client/errors.ts';

const LIB = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every `class X extends Y` in lib/ (not tests), with the text of its body up to the next class or end of file. */
function classes(): Array<{ file: string; name: string; base: string; body: string }> {
  const out: Array<{ file: string; name: string; base: string; body: string }> = [];
  for (const file of sourceFiles(LIB)) {
    const text = readFileSync(file, 'utf8');
    const re = /^(?:export )?class (\w+) extends (\w+)/gm;
    const found = [...text.matchAll(re)];
    found.forEach((m, i) => {
      const end = i + 1 < found.length ? found[i + 1]!.index : text.length;
      out.push({ file: path.relative(LIB, file), name: m[1]!, base: m[2]!, body: text.slice(m.index, end) });
    });
  }
  return out;
}

describe('error root', () => {
  test('every error class in lib extends RocketDeckError and spells its own name out', () => {
    const all = classes();
    const errorNames = new Set(['RocketDeckError']);
    // closure over `extends`: a class is an error class when its base is one
    for (let grown = true; grown; ) {
      grown = false;
      for (const c of all) if (errorNames.has(c.base) && !errorNames.has(c.name)) (errorNames.add(c.name), (grown = true));
    }
    const direct = all.filter((c) => c.base === 'Error').map((c) => `${c.file}: ${c.name}`);
    assert.deepEqual(direct, ['common/errors.ts: RocketDeckError'], 'only the root extends Error');
    const unnamed = all
      .filter((c) => errorNames.has(c.name) && !c.body.includes(`name = '${c.name}'`))
      .map((c) => `${c.file}: ${c.name}`);
    assert.deepEqual(unnamed, [], 'each error class sets name = \'<its name>\' (field or constructor)');
    assert.ok(errorNames.size > 30, `found ${errorNames.size} error classes`);
  });

  test('no error class takes its name from new.target (minified builds rename classes)', () => {
    const users = sourceFiles(LIB).filter((f) => !f.endsWith(path.join('common', 'errors.ts')) && readFileSync(f, 'utf8').includes('new.target.name'));
    assert.deepEqual(users, []);
  });

  test('names and messages stay as they were; subclasses keep their families', () => {
    const decode = new MessageDecodeError('bad record');
    assert.equal(decode.name, 'MessageDecodeError');
    assert.equal(decode.message, 'bad record');
    assert.ok(decode instanceof RocketDeckError);
    assert.ok(!(decode instanceof RemotingError), 'decoding errors are not transport errors');
    assert.equal(new BodyError('x.y', 'bad').name, 'BodyError');
    assert.equal(new StoreConfigError('bad key').name, 'StoreConfigError');
    assert.ok(new StoreConfigError('bad key') instanceof StoreError);
    const io = new StoreIOError('write failed', { cause: Object.assign(new Error('nope'), { code: 'ENOSPC' }) });
    assert.equal(io.name, 'StoreIOError');
    assert.equal(io.code, 'ENOSPC');
    assert.equal(new NoRouteError('T', 'no route').name, 'NoRouteError');
    assert.ok(new SendFailedError('T', [], 'failed') instanceof MQClientError);
    assert.equal(String(new RemotingTimeoutError('1.2.3.4:1', 3000, 'timed out')), 'RemotingTimeoutError: timed out');
  });

  test('retriable: a peer down or slow can come back; bad input and closed clients cannot', () => {
    assert.equal(isRetriable(new RemotingTimeoutError('a:1', 10, 'slow')), true);
    assert.equal(isRetriable(new RemotingConnectError('a:1', 'refused')), true);
    assert.equal(isRetriable(new MessageDecodeError('bad')), false);
    assert.equal(isRetriable(new StoreError('bad')), false);
    assert.equal(isRetriable(new ResponseCodeError('a:1', 2, 'busy', 10, { retriable: true })), true);
    assert.equal(isRetriable(new ResponseCodeError('a:1', 17, 'no topic', 10)), false);
    assert.equal(isRetriable(new Error('plain')), false);
    const withCause = new RocketDeckError('outer', { cause: 'inner', retriable: true });
    assert.equal(withCause.cause, 'inner');
    assert.equal(withCause.name, 'RocketDeckError');
  });
});
