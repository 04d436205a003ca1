// Tests of the CLI frame: routing, --help, --json, exit codes and error messages.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, intOpt, runCommand, UsageError, type CommandSpec } from './framework.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), signal: new AbortController().signal } };
}

const echo: CommandSpec = {
  name: 'echo',
  summary: 'Echo a value',
  usage: 'tool echo --value V [--times N]',
  options: {
    value: { type: 'string', short: 'v', description: 'what to print' },
    times: { type: 'string', description: 'repeat count', default: '1' },
  },
  async run(ctx) {
    const times = intOpt(ctx.values, 'times', 1, 10)!;
    if (ctx.values.value === 'boom') throw new CliError('cannot echo boom');
    if (ctx.values.value === undefined) throw new UsageError('missing required option --value');
    for (let i = 0; i < times; i++) ctx.out(ctx.json ? JSON.stringify({ value: ctx.values.value }) : String(ctx.values.value));
    return EXIT_OK;
  },
};
const root: CommandSpec = { name: '', summary: 'root', usage: '<command>', subcommands: [echo] };

describe('cli framework', () => {
  test('routes to a subcommand and applies option defaults', async () => {
    const t = io();
    assert.equal(await runCommand(root, ['echo', '-v', 'hi'], t.io), EXIT_OK);
    assert.deepEqual(t.out, ['hi']);
  });

  test('--json switches output to JSON', async () => {
    const t = io();
    assert.equal(await runCommand(root, ['echo', '--value', 'x', '--json', '--times', '2'], t.io), EXIT_OK);
    assert.deepEqual(t.out.map((l) => JSON.parse(l)), [{ value: 'x' }, { value: 'x' }]);
  });

  test('--help prints usage and options with exit 0', async () => {
    const t = io();
    assert.equal(await runCommand(root, ['echo', '--help'], t.io), EXIT_OK);
    const text = t.out.join('\n');
    assert.match(text, /Usage: rocketdeck tool echo/);
    assert.match(text, /--value VALUE/);
    assert.match(text, /\(default: 1\)/);
    assert.match(text, /--json/);
  });

  test('unknown command exits 2 and names it', async () => {
    const t = io();
    assert.equal(await runCommand(root, ['nope'], t.io), EXIT_USAGE);
    assert.match(t.err.join('\n'), /unknown command 'nope'/);
  });

  test('unknown option exits 2 with a hint', async () => {
    const t = io();
    assert.equal(await runCommand(root, ['echo', '--bogus'], t.io), EXIT_USAGE);
    assert.match(t.err.join('\n'), /bogus/);
    assert.match(t.err.join('\n'), /--help/);
  });

  test('malformed integer option exits 2 naming the option', async () => {
    const t = io();
    assert.equal(await runCommand(root, ['echo', '-v', 'a', '--times', 'lots'], t.io), EXIT_USAGE);
    assert.match(t.err.join('\n'), /--times must be an integer/);
  });

  test('a failure exits 1 with its message, and as JSON with --json', async () => {
    const t = io();
    assert.equal(await runCommand(root, ['echo', '-v', 'boom', '--json'], t.io), EXIT_FAILURE);
    assert.deepEqual(JSON.parse(t.out[0]!), { ok: false, error: 'cannot echo boom' });
    assert.match(t.err.join('\n'), /cannot echo boom/);
  });

  test('no command prints the command list with exit 2', async () => {
    const t = io();
    assert.equal(await runCommand(root, [], t.io), EXIT_USAGE);
    assert.match(t.out.join('\n'), /echo\s+Echo a value/);
  });
});
