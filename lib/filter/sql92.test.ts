// The SQL92 selector against RocketMQ's expected results: cases from apache/rocketmq filter/ExpressionTest.java and
// ParserTest.java (5.3.3), plus the coercions and NULL rules its expression classes give (noted per group).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSql92, propertiesOf, type Sql92Filter } from './index.ts';

type Expect = true | false | null | 'error';
/** [expression, message properties, RocketMQ's evaluate() result: TRUE, FALSE, null (unknown) or a thrown error] */
type Case = [string, Record<string, string>, Expect];

const AND = 'a=3 and b<>4 And c>5 AND d<=4';
const OR = 'a=3 or b<>4 Or c>5 OR d<=4';

const cases: Case[] = [
  // ExpressionTest: AND / OR over numeric strings
  [AND, { a: '3', b: '5', c: '6', d: '1' }, true],
  [AND, { a: '4', b: '5', c: '6', d: '1' }, false],
  [OR, { a: '3' }, true],
  [OR, { a: '4', b: '5' }, true],
  [OR, { a: '4', b: '4', c: '6' }, true],
  [OR, { a: '4', b: '4', c: '3', d: '2' }, true],
  [OR, { a: '4', b: '4', c: '3', d: '10' }, false],
  // IN / NOT IN
  ["a in ('3', '4', '5')", { a: '3' }, true],
  ["a in ('3', '4', '5')", { a: '4' }, true],
  ["a in ('3', '4', '5')", { a: '5' }, true],
  ["a in ('3', '4', '5')", { a: '8' }, false],
  ["a not in ('3', '4', '5')", { a: '8' }, true],
  ["a not in ('3', '4', '5')", { a: '3' }, false],
  ["a not in ('3', '4', '5')", { a: '5' }, false],
  ["a in ('3', '4', '5')", {}, null],
  ["a not in ('3', '4', '5')", {}, null],
  ["a IN ('x','y','z','w','v','u')", { a: 'u' }, true],
  // BETWEEN / NOT BETWEEN (inclusive bounds; a string property is read as a number)
  ['a between 2 and 10', { a: '2' }, true],
  ['a between 2 and 10', { a: '10' }, true],
  ['a between 2 and 10', { a: '3' }, true],
  ['a between 2 and 10', { a: '1' }, false],
  ['a between 2 and 10', { a: '11' }, false],
  ['a not between 2 and 10', { a: '1' }, true],
  ['a not between 2 and 10', { a: '11' }, true],
  ['a not between 2 and 10', { a: '2' }, false],
  ['a not between 2 and 10', { a: '10' }, false],
  ['a not between 2 and 10', { a: '3' }, false],
  ['a between 2 and 10', {}, null],
  ['a between 0 and 100', { a: 'abc' }, 'error'],
  ['key is not null and key between 0 and 100', { key: 'con' }, 'error'],
  ['a between up and low', { a: '3.14' }, null],
  ['a between up and low', { a: '3.14', up: 'up', low: 'low' }, 'error'],
  ['a between 1.5 and 2.5', { a: '2' }, true],
  ['a between -5 and 5', { a: '-5' }, true],
  // IS NULL / IS NOT NULL
  ['a is null', { abc: '2' }, true],
  ['a is null', { a: '2' }, false],
  ['a is not null', { a: '2' }, true],
  ['a is not null', { abc: '2' }, false],
  ['a IS NULL', { a: '' }, false],
  ['a is not null and a=\'hello\'', { a: 'hello' }, true],
  ['a is not null and a=\'hello\'', {}, false],
  ["a is null OR a='hello'", {}, true],
  ["a is null OR a='hello'", { a: 'hello' }, true],
  ["a is null OR a='hello'", { a: 'abc' }, false],
  // booleans: a string property against TRUE/FALSE is read with Boolean.valueOf
  ['a=TRUE OR b=FALSE', { a: 'true', b: 'false' }, true],
  ['a=TRUE OR b=FALSE', { a: 'false', b: 'true' }, false],
  ['a = TRUE', { a: 'TRUE' }, true],
  ['a = TRUE', { a: 'yes' }, false],
  ['a = FALSE', { a: 'anything' }, true],
  ['TRUE = a', { a: 'true' }, 'error'],
  ['TRUE', {}, true],
  ['FALSE', {}, false],
  ['NULL', {}, null],
  ['a', { a: 'true' }, false],
  ['NOT a', { a: 'x' }, true],
  ['NOT a', {}, null],
  // quoted strings: '' is one quote
  ["TAGS is not null and TAGS='''''tag'''''", { TAGS: "''tag''" }, true],
  ["a = 'it''s'", { a: "it's" }, true],
  ["a = 'hello'", { a: 'Hello' }, false],
  // two properties
  ['a > b', { a: '10', b: '20' }, false],
  ['a > b', { a: '20', b: '10' }, true],
  ['a=b', { a: '3.14', b: '3.14' }, true],
  ['a<>b', { a: '3.14', b: '3.14' }, false],
  ['a<>b', { a: '3.14', b: '3.141' }, true],
  ['a = b', { a: 'x' }, false],
  ['a = b', { b: 'x' }, null],
  ['a <> b', { a: 'x' }, true],
  ['a = b', {}, true],
  ['a > b', { a: 'x', b: 'y' }, 'error'],
  // numbers: float literals, exponents, Integer vs Long vs Double
  ['a > 3.1E10', { a: String(3.1415 * 10 ** 10) }, true],
  ['a > 3.14', { a: '3.1415' }, true],
  ['a > 3', { a: '3.5' }, 'error'],
  ['a > 3.0', { a: '3.5' }, true],
  ['a = 3', { a: '3.0' }, 'error'],
  ['a = 3.0', { a: '3' }, true],
  ['a = 3', { a: '03' }, true],
  ['a = 3', { a: '+3' }, true],
  ['a = 3', { a: ' 3' }, 'error'],
  ['a = 3.0', { a: ' 3 ' }, true],
  ['a = 3', { a: 'abc' }, 'error'],
  ['a = 3', { a: '3000000000' }, 'error'],
  ['a = 3000000000', { a: '3000000000' }, true],
  ['a = 9223372036854775807', { a: '9223372036854775807' }, true],
  ['a = 9223372036854775806', { a: '9223372036854775807' }, false],
  ['a < 10L', { a: '9' }, true],
  ['a >= -1', { a: '-1' }, true],
  ['a > -1.5', { a: '-1' }, true],
  ['a < .5', { a: '0.25' }, true],
  ['a < 5.', { a: '4.9' }, true],
  ['a > 1e3', { a: '1001' }, true],
  ['a = 1.0E3', { a: '1000d' }, true],
  ['a > 0.5', { a: 'NaN' }, true],
  ['a <= 100', { a: '-2147483648' }, true],
  ["a = '3'", { a: '3' }, true],
  ["a = '3'", { a: '3.0' }, false],
  ["'3' = 3", {}, true],
  ["'abc' = 3", {}, 'error'],
  ['3 = 3.0', {}, true],
  ['1 = TRUE', {}, false],
  ['-a = -3', { a: '3' }, null],
  ['- 3 = -3', {}, true],
  ['+3 = 3', {}, true],
  ['(a > 1) AND (b < 2)', { a: '2', b: '1' }, true],
  ['NOT (a > 1)', { a: '2' }, false],
  ['NOT (a > 1)', {}, null],
  ['NOT NOT (a > 1)', { a: '2' }, true],
  ["a = 'x' OR b = 'y' AND c = 'z'", { a: 'x' }, true],
  ["(a = 'x' OR b = 'y') AND c = 'z'", { a: 'x' }, null],
  ["a = 'x' AND b = 'y'", { a: 'q' }, false],
  ["a = 'x' OR b = 'y'", { a: 'q' }, null],
  ['a <> 3', {}, null],
  // CONTAINS / STARTSWITH / ENDSWITH (5.x): missing, empty search or non-string is FALSE, negated or not
  ["value contains 'x'", { value: 'axb' }, true],
  ["value startswith 'ax'", { value: 'axb' }, true],
  ["value endswith 'xb'", { value: 'axb' }, true],
  ["value not contains 'x'", { value: 'axb' }, false],
  ["value not startswith 'ax'", { value: 'axb' }, false],
  ["value not endswith 'xb'", { value: 'axb' }, false],
  ["value contains 'x'", { value: 'abb' }, false],
  ["value startswith 'x'", { value: 'abb' }, false],
  ["value endswith 'x'", { value: 'abb' }, false],
  ["value not contains 'x'", { value: 'abb' }, true],
  ["value not startswith 'x'", { value: 'abb' }, true],
  ["value not endswith 'x'", { value: 'abb' }, true],
  ["value contains ''", { value: 'axb' }, false],
  ["value not contains ''", { value: 'axb' }, false],
  ["value startswith ''", { value: 'axb' }, false],
  ["value not endswith ''", { value: 'axb' }, false],
  ["value contains 'x'", {}, false],
  ["value not contains 'x'", {}, false],
  ["value not startswith 'x'", {}, false],
  ["'axb' contains 'x'", {}, true],
  ["'axb' not startswith 'ax'", {}, false],
  ["'axb' endswith 'u'", {}, false],
  ["'axb' not endswith 'u'", {}, true],
  ["' ' contains ' '", {}, true],
  ["' ' not endswith ' '", {}, false],
  ["'axb' contains '.'", {}, false],
  ["'s' contains '\\'", {}, false],
  ["NOT (value contains 'x')", {}, true],
  ["a not in ('4', '4', '5') and b between 3 and 10 and c not contains 'axbc'", { a: '3', b: '3', c: 'axbdc' }, true],
  ["a not in ('4', '4', '5') and b between 3 and 10 and c not startswith 'axbc'", { a: '3', b: '3', c: 'axbdc' }, true],
  ["a not in ('4', '4', '5') and b between 3 and 10 and c not endswith 'axbc'", { a: '3', b: '3', c: 'axbdc' }, true],
  // keywords are case-insensitive, identifiers are not; comments and blanks are skipped
  ['A is null', { a: '1' }, true],
  ["a = 'x' /* note */ and b is null", { a: 'x' }, true],
  ["a = 'x' -- note\n", { a: 'x' }, true],
  ['a=3  and    b<>4 And c>5 AND d<=4', { a: '3', b: '5', c: '6', d: '1' }, true],
  ['$x_1 = 1', { $x_1: '1' }, true],
  ['notable = 1', { notable: '1' }, true],
  ['a <= now', { a: '5', now: '6' }, true],
];

// Texts RocketMQ refuses when subscribing (MQFilterException "Invalid MessageSelector"): syntax and parse-time checks.
const invalid: string[] = [
  'a and between 2 and 10', // ParserTest.invalidExpression
  ' a between 10 and 0', // ParserTest.illegalBetween
  'a > 100000000000000000000000', // ParserTest decimal overflow
  `a > 1${'1'.repeat(400)}.1`, // float overflow
  'value contains x',
  'value not contains x',
  'value contains 123',
  "'axb' contains ",
  "'axb' not contains ",
  "a > 'x'",
  "a between 'a' and 'z'",
  'a = NULL',
  'a <> NULL',
  'TRUE = 1',
  "TRUE = 'x'",
  'a > TRUE',
  '(a = 1) > 2',
  "'x' in ('x')",
  'a > 0.0',
  '3',
  "'abc'",
  'NOT 3',
  "a = 1 AND 'x'",
  'a in ()',
  'a =',
  "a = 'x",
  'a # 1',
  'a = 1 b',
  '',
  'a.b = 1',
  'a between 1 and NULL',
  "a = 'x' --comment without line end",
];

const compile = (text: string): Sql92Filter => {
  const c = compileSql92(text);
  if (!c.ok) assert.fail(`"${text}" should compile: ${c.message}`);
  return c;
};

test('the grammar suite holds more than 100 expressions', () => {
  assert.ok(cases.length + invalid.length >= 100, `${cases.length + invalid.length}`);
});

test('each expression evaluates to what RocketMQ evaluates it to', () => {
  const wrong: string[] = [];
  for (const [text, props, expected] of cases) {
    const c = compile(text);
    const got = c.evaluateDetailed(propertiesOf(props));
    const as: Expect = 'error' in got ? 'error' : got.value;
    if (as !== expected) wrong.push(`${JSON.stringify(text)} with ${JSON.stringify(props)}: expected ${expected}, got ${JSON.stringify(got)}`);
    // the broker delivers only on TRUE
    assert.equal(c.evaluate(propertiesOf(props)), expected === true, text);
  }
  assert.deepEqual(wrong, []);
});

test('each invalid expression is refused with a message and a position inside the text', () => {
  for (const text of invalid) {
    const c = compileSql92(text);
    assert.equal(c.ok, false, `"${text}" should be refused`);
    if (c.ok) continue;
    assert.ok(c.message.length > 0);
    assert.ok(c.position.offset >= 0 && c.position.offset <= text.length, `${text}: ${JSON.stringify(c.position)}`);
    assert.ok(c.position.line >= 1 && c.position.column >= 1);
  }
});

test('a syntax error names the token, its line and column', () => {
  const c = compileSql92("a = 'x'\n  and between 2 and 10");
  assert.equal(c.ok, false);
  if (c.ok) return;
  assert.deepEqual(c.position, { line: 2, column: 7, offset: 14 });
  assert.match(c.message, /unexpected 'between' at line 2, column 7/);
});

test('an expression ending early points at its end', () => {
  const c = compileSql92('a > ');
  assert.equal(c.ok, false);
  if (!c.ok) {
    assert.equal(c.position.offset, 4);
    assert.match(c.message, /end of expression/);
  }
});

test('a parse-time check points at its operator', () => {
  const c = compileSql92("a = 1 OR b > 'x'");
  assert.equal(c.ok, false);
  if (!c.ok) {
    assert.equal(c.position.offset, 13);
    assert.match(c.message, /cannot be compared/);
  }
});

test('the properties an expression reads are listed once each', () => {
  assert.deepEqual(compile("a = 1 AND (b IS NULL OR a IN ('x')) AND c BETWEEN d AND 3").properties, ['a', 'b', 'c', 'd']);
});

test('a lookup is only asked for the names the expression reads', () => {
  const asked: string[] = [];
  compile("region = 'eu' AND price > 10").evaluate((name) => {
    asked.push(name);
    return name === 'region' ? 'eu' : '11';
  });
  assert.deepEqual(asked, ['region', 'price']);
});
