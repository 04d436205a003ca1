// The Java values RocketMQ's selector evaluates (String, Boolean, Integer, Long, Double, null) and its coercions
// (ComparisonExpression.__compare with convertStringExpressions on, as SelectorParser.parse always sets it).

import { RocketDeckError } from '../common/errors.ts';
/** Integer and Long keep their Java width: a string compared with an Integer must parse as an int. */
export interface JInt {
  readonly type: 'int' | 'long';
  readonly v: bigint;
}
export interface JDouble {
  readonly type: 'double';
  readonly v: number;
}
export type JValue = null | string | boolean | JInt | JDouble;

/** Thrown where Java throws (NumberFormatException, ClassCastException, an illegal string comparison). */
export class Sql92EvaluationError extends RocketDeckError {
  constructor(message: string) {
    super(message);
    this.name = 'Sql92EvaluationError';
  }
}

export const jint = (v: bigint): JInt => ({ type: 'int', v });
export const jlong = (v: bigint): JInt => ({ type: 'long', v });
export const jdouble = (v: number): JDouble => ({ type: 'double', v });

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

export const isNumber = (x: JValue): x is JInt | JDouble => typeof x === 'object' && x !== null;

/** Integer.valueOf / Long.valueOf: an optional sign and ASCII digits, within range. */
function parseJavaInteger(s: string, type: 'int' | 'long'): JInt {
  if (!/^[+-]?\d+$/.test(s)) throw new Sql92EvaluationError(`NumberFormatException: For input string: "${s}"`);
  const v = BigInt(s);
  const [min, max] = type === 'int' ? [INT_MIN, INT_MAX] : [LONG_MIN, LONG_MAX];
  if (v < min || v > max) throw new Sql92EvaluationError(`NumberFormatException: For input string: "${s}"`);
  return { type, v };
}

/** Double.valueOf: blanks trimmed, a sign, NaN, Infinity, decimal digits with exponent, an f/F/d/D suffix. */
export function parseJavaDouble(s: string): JDouble {
  // Java trims every char <= ' '
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
  const m = /^([+-]?)(NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/.exec(t);
  if (!m || (/[fFdD]$/.test(t) && /^(?:[+-]?)(?:NaN|Infinity)/.test(t))) {
    throw new Sql92EvaluationError(`NumberFormatException: For input string: "${s}"`);
  }
  const body = m[2]!;
  const n = body === 'NaN' ? NaN : body === 'Infinity' ? Infinity : Number(body);
  return jdouble(m[1] === '-' ? -n : n);
}

/** Double.compare: -0.0 below 0.0, NaN above everything and equal to itself. */
function compareDouble(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  if (a === 0 && b === 0) {
    const na = Object.is(a, -0);
    const nb = Object.is(b, -0);
    return na === nb ? 0 : na ? -1 : 1;
  }
  return 0;
}

const sign = (x: number): number => (x < 0 ? -1 : x > 0 ? 1 : 0);

/** compareTo of two values of one Java class. */
function compareSame(a: JValue, b: JValue): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0; // UTF-16 order, as Java
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (isNumber(a) && isNumber(b)) {
    if (a.type === 'double' && b.type === 'double') return compareDouble(a.v, b.v);
    if (a.type !== 'double' && b.type !== 'double') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  }
  throw new Sql92EvaluationError('ClassCastException');
}

const toDouble = (x: JInt | JDouble): JDouble => (x.type === 'double' ? x : jdouble(Number(x.v)));
const classOf = (x: JValue): string => (x === null ? 'null' : typeof x === 'object' ? x.type : typeof x);

/** ComparisonExpression.__compare(lv, rv, convertStringExpressions = true): both non-null. */
export function javaCompare(lv: JValue, rv: JValue): number {
  const lc = classOf(lv);
  const rc = classOf(rv);
  if (lc !== rc) {
    if (typeof lv === 'boolean') {
      // Java casts the Boolean to String here and fails (ClassCastException); any other class answers -1
      if (typeof rv === 'string') throw new Sql92EvaluationError('ClassCastException: Boolean cannot be cast to String');
      return -1;
    } else if (typeof lv === 'object' && lv !== null && lv.type === 'int') {
      if (typeof rv === 'object' && rv !== null && rv.type === 'long') lv = jlong(lv.v);
      else if (typeof rv === 'object' && rv !== null && rv.type === 'double') lv = toDouble(lv);
      else if (typeof rv === 'string') rv = parseJavaInteger(rv, 'int');
      else return -1;
    } else if (typeof lv === 'object' && lv !== null && lv.type === 'long') {
      if (typeof rv === 'object' && rv !== null && rv.type === 'int') rv = jlong(rv.v);
      else if (typeof rv === 'object' && rv !== null && rv.type === 'double') lv = toDouble(lv);
      else if (typeof rv === 'string') rv = parseJavaInteger(rv, 'long');
      else return -1;
    } else if (typeof lv === 'object' && lv !== null && lv.type === 'double') {
      if (typeof rv === 'object' && rv !== null && rv.type !== 'double') rv = toDouble(rv);
      else if (typeof rv === 'string') rv = parseJavaDouble(rv);
      else return -1;
    } else if (typeof lv === 'string') {
      if (typeof rv === 'boolean') lv = lv.toLowerCase() === 'true';
      else if (typeof rv === 'object' && rv !== null) lv = rv.type === 'double' ? parseJavaDouble(lv) : parseJavaInteger(lv, rv.type);
      else return -1;
    } else {
      return -1;
    }
  }
  return sign(compareSame(lv, rv));
}

/** Object.equals between two values (Integer(3) does not equal Long(3); Double compares bits). */
export function javaEquals(a: JValue, b: JValue): boolean {
  if (a === b) return true;
  if (isNumber(a) && isNumber(b)) {
    if (a.type !== b.type) return false;
    if (a.type === 'double') return Object.is(a.v, b.v) || (a.v === b.v && a.v !== 0);
    return a.v === b.v;
  }
  return false;
}

/** UnaryExpression.negate. */
export function negate(x: JInt | JDouble): JInt | JDouble {
  if (x.type === 'double') return jdouble(-x.v);
  return { type: x.type, v: BigInt.asIntN(x.type === 'int' ? 32 : 64, -x.v) };
}

/** ConstantExpression.createFromDecimal: Integer when in range, else Long; beyond a Long it is refused. */
export function decimalConstant(image: string): JInt {
  const text = /[lL]$/.test(image) ? image.slice(0, -1) : image;
  const v = BigInt(text);
  if (v > LONG_MAX) throw new Sql92EvaluationError(`${text} is out of the range of a long`);
  return v >= INT_MIN && v <= INT_MAX ? jint(v) : jlong(v);
}

/** ConstantExpression.createFloat: above Double.MAX_VALUE or below Double.MIN_VALUE (so also 0.0) is refused. */
export function floatConstant(image: string): JDouble {
  const v = Number(image);
  if (v > Number.MAX_VALUE) throw new Sql92EvaluationError(`${image} is greater than 1.7976931348623157E308`);
  if (v < Number.MIN_VALUE) throw new Sql92EvaluationError(`${image} is less than 4.9E-324`);
  return jdouble(v);
}

/** The value as RocketMQ's toString shows it in messages. */
export function showValue(x: JValue): string {
  if (x === null) return 'NULL';
  if (typeof x === 'boolean') return x ? 'TRUE' : 'FALSE';
  if (typeof x === 'string') return `'${x.replace(/'/g, "''")}'`;
  if (x.type === 'double') return Number.isInteger(x.v) && Number.isFinite(x.v) ? `${x.v}.0` : String(x.v);
  return x.v.toString();
}
