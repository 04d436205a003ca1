import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { boolArg, brokerOrCluster, finish, table } from './common.ts';
import { UsageError, type CommandContext } from '../../framework.ts';

function fakeCtx(json: boolean): CommandContext & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { values: {}, positionals: [], json, out: (l) => outs.push(l), err: (l) => errs.push(l), signal: new AbortController().signal, outs, errs };
}

describe('admin CLI helpers', () => {
  test('tables pad every column to its widest cell', () => {
    assert.deepEqual(table(['#A', '#Long'], [['xyz', 1], ['', undefined]]), ['#A   #Long', 'xyz  1', '']);
  });

  test('-b and -c are exclusive and one of them is needed', () => {
    assert.deepEqual(brokerOrCluster({ brokerAddr: 'h:1;h:2' }), { brokerAddrs: ['h:1', 'h:2'] });
    assert.deepEqual(brokerOrCluster({ clusterName: 'C' }), { clusterName: 'C' });
    assert.throws(() => brokerOrCluster({ brokerAddr: 'h:1', clusterName: 'C' }), UsageError);
    assert.throws(() => brokerOrCluster({}), UsageError);
  });

  test('true/false flags read as mqadmin reads them, anything else is a usage error', () => {
    assert.equal(boolArg({ order: 'TRUE' }, 'order'), true);
    assert.equal(boolArg({ order: 'false' }, 'order'), false);
    assert.equal(boolArg({}, 'order'), undefined);
    assert.throws(() => boolArg({ order: 'yes' }, 'order'), UsageError);
  });

  test('a partial read prints the answer, names the failed broker on stderr and exits 0; a failed write exits 1', () => {
    const ctx = fakeCtx(true);
    const result = { items: [1], errors: [{ brokerName: 'broker-b', brokerAddr: 'h:9', error: 'unreachable: connect refused' }] };
    assert.equal(finish(ctx, result, () => {}, 'read'), 0);
    assert.deepEqual(JSON.parse(ctx.outs[0]!), result);
    assert.deepEqual(ctx.errs, ['error: broker-b (h:9): unreachable: connect refused']);
    assert.equal(finish(fakeCtx(false), result, () => {}, 'write'), 1);
    assert.equal(finish(fakeCtx(false), result, () => {}, 'read', true), 1);
  });
});
