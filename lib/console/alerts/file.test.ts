// The alerts file: YAML and JSON load; a bad file is refused naming the line and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAlertsText } from './file.ts';
import { AlertConfigError } from './rules.ts';

const GOOD = `channels:
  - id: ops
    format: slack
    url: http://127.0.0.1:9/hook
    retries: 2
    backoff: 500ms
rules:
  - id: lag
    kind: group_lag
    severity: warning
    for: 5m
    scope: { group: "order-*" }
    thresholds: { messages: 10000 }
    channels: [ops]
`;

test('a YAML file loads rules and channels with durations and defaults', () => {
  const f = parseAlertsText(GOOD);
  assert.equal(f.channels[0]!.format, 'slack');
  assert.equal(f.channels[0]!.backoffMs, 500);
  assert.equal(f.rules[0]!.forMs, 300_000);
  assert.deepEqual(f.rules[0]!.scope, { group: 'order-*' });
  assert.equal(f.rules[0]!.thresholds.messages, 10000);
});

test('JSON loads through the same parser', () => {
  const f = parseAlertsText(JSON.stringify({ rules: [{ id: 'down', kind: 'broker_down' }] }));
  assert.equal(f.rules[0]!.kind, 'broker_down');
});

test('a bad value is refused with its line and field', () => {
  const bad = GOOD.replace('severity: warning', 'severity: loud');
  assert.throws(() => parseAlertsText(bad), (err: unknown) => {
    assert.ok(err instanceof AlertConfigError);
    assert.equal(err.field, 'rules[0].severity');
    assert.equal(err.line, 10);
    assert.match(err.message, /^line 10: rules\[0\]\.severity: must be one of/);
    return true;
  });
});

test('an unknown key, a missing channel and broken syntax name their line', () => {
  assert.throws(() => parseAlertsText(GOOD.replace('    for: 5m', '    for: 5m\n    colour: red')), /line 12: rules\[0\]\.colour: unknown key/);
  assert.throws(() => parseAlertsText(GOOD.replace('channels: [ops]', 'channels: [pager]')), /line 14: rules\[0\]\.channels\[0\]: no channel 'pager'/);
  assert.throws(() => parseAlertsText('rules:\n  - id: x\n   kind: [\n'), /line \d+: \(syntax\)/);
  assert.throws(() => parseAlertsText(JSON.stringify({ rules: [{ id: 'a', kind: 'group_lag', thresholds: { percent: 'x' } }] }, null, 2)), /line 7: rules\[0\]\.thresholds\.percent/);
});
