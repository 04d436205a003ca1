// Tests for the Java properties text reader/writer used by broker/namesrv config bodies.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseProperties, stringifyProperties, decodeProperties, encodeProperties } from './properties.ts';
import { loadVector } from '../fixtures/vectors.ts';

describe('properties', () => {
  test('reads key=value lines in order', () => {
    assert.deepEqual([...parseProperties('b=2\na=1\n')], [['b', '2'], ['a', '1']]);
  });

  test('the first = or : separates; later ones belong to the value', () => {
    const p = parseProperties('namesrvAddr=127.0.0.1:9876;127.0.0.2:9876\nx:y=z\n');
    assert.equal(p.get('namesrvAddr'), '127.0.0.1:9876;127.0.0.2:9876');
    assert.equal(p.get('x'), 'y=z');
  });

  test('whitespace separators, comments, blank lines and empty values', () => {
    const p = parseProperties('# comment\n! also\n\n  key value with spaces\nempty=\nspaced = v \n');
    assert.deepEqual([...p], [['key', 'value with spaces'], ['empty', ''], ['spaced', 'v ']]);
  });

  test('line continuations and escapes', () => {
    const p = parseProperties('list=a,\\\n    b,\\\n    c\nesc=tab\\there\\u0041\\\\end\nkey\\=x=1\r\nwin=2\r\n');
    assert.equal(p.get('list'), 'a,b,c');
    assert.equal(p.get('esc'), 'tab\thereA\\end');
    assert.equal(p.get('key=x'), '1');
    assert.equal(p.get('win'), '2');
  });

  test('writes key=value\\n without escaping and skips null values', () => {
    assert.equal(stringifyProperties(new Map<string, string | number | null>([['a', '1'], ['b', null], ['c', 3]])),
      'a=1\nc=3\n');
  });

  test('GET_BROKER_CONFIG body round-trips byte for byte', () => {
    const body = loadVector('26-GET_BROKER_CONFIG').response?.body;
    const props = decodeProperties(body);
    assert.equal(props.get('brokerName'), 'broker-a');
    assert.equal(props.get('messageStorePlugIn'), '');
    assert.equal(props.size, 178);
    assert.deepEqual(encodeProperties(props), body);
  });

  test('an absent body is an empty map', () => {
    assert.equal(decodeProperties(undefined).size, 0);
  });
});
