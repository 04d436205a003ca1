// RocketMQ's selector semantics over the syntax tree: the checks its ComparisonExpression/UnaryExpression create*
// methods make while parsing (which turn into "Invalid MessageSelector" there), and the evaluator (three-valued:
// true, false or null for unknown, as its expression classes evaluate).

import { RocketDeckError } from '../common/errors.ts';
import type { Sql92Position, SyntaxNode } from './grammar.ts';
import {
  decimalConstant, floatConstant, isNumber, javaCompare, javaEquals, negate, parseJavaDouble, showValue,
  Sql92EvaluationError, type JValue,
} from './values.ts';

/** A message's properties as the evaluator reads them: a name to its string value, undefined when absent. */
export type PropertyLookup = (name: string) => string | undefined;

/** Java expression families the parser's checks look at. */
type Family = 'constant' | 'booleanConstant' | 'property' | 'boolean' | 'value';

export interface Compiled {
  family: Family;
  /** the constant's value (constant and booleanConstant families) */
  constant?: JValue;
  text: string;
  at: Sql92Position;
  evaluate(props: PropertyLookup): JValue;
}

export class Sql92SemanticError extends RocketDeckError {
  constructor(message: string, readonly position: Sql92Position) {
    super(message);
    this.name = 'Sql92SemanticError';
  }
}

const isBooleanExpr = (c: Compiled): boolean => c.family === 'boolean' || c.family === 'booleanConstant';
const isConstantExpr = (c: Compiled): boolean => c.family === 'constant' || c.family === 'booleanConstant';

const asBool = (v: JValue): boolean | null => (v === null ? null : v === true ? true : v === false ? false : null);

/** SelectorParser.asBooleanExpression: booleans stay, a property is cast (a string is never TRUE), else refused. */
function asBoolean(c: Compiled): Compiled {
  if (isBooleanExpr(c)) return c;
  if (c.family === 'property') {
    return {
      family: 'boolean',
      text: c.text,
      at: c.at,
      evaluate: (p) => {
        const v = c.evaluate(p);
        if (v === null) return null;
        return typeof v === 'boolean' ? v : false;
      },
    };
  }
  throw new Sql92SemanticError(`expression will not result in a boolean value: ${c.text}`, c.at);
}

function not(c: Compiled, at: Sql92Position): Compiled {
  return {
    family: 'boolean',
    text: `(NOT ${c.text})`,
    at,
    evaluate: (p) => {
      const v = asBool(c.evaluate(p));
      return v === null ? null : !v;
    },
  };
}

function logic(op: 'AND' | 'OR', l: Compiled, r: Compiled, at: Sql92Position): Compiled {
  const left = asBoolean(l);
  const right = asBoolean(r);
  const evaluate = op === 'OR'
    ? (p: PropertyLookup): JValue => {
      const lv = asBool(left.evaluate(p));
      if (lv === true) return true;
      const rv = asBool(right.evaluate(p));
      if (rv === true) return true;
      return lv === null || rv === null ? null : false;
    }
    : (p: PropertyLookup): JValue => {
      const lv = asBool(left.evaluate(p));
      if (lv === false) return false;
      const rv = asBool(right.evaluate(p));
      if (rv === false) return false;
      return lv === null || rv === null ? null : true;
    };
  return { family: 'boolean', text: `(${left.text} ${op} ${right.text})`, at, evaluate };
}

/** ComparisonExpression.doCreateEqual (no operand checks: IS NULL uses it directly). */
function equal(left: Compiled, right: Compiled, at: Sql92Position, text: string): Compiled {
  return {
    family: 'boolean',
    text,
    at,
    evaluate: (p) => {
      const lv = left.evaluate(p);
      const rv = right.evaluate(p);
      // one side null: unknown when the left is, FALSE when only the right is (as RocketMQ answers)
      if ((lv === null) !== (rv === null)) return lv === null ? null : false;
      if (lv === null || javaEquals(lv, rv)) return true;
      return javaCompare(lv, rv) === 0;
    },
  };
}

function checkEqualOperand(c: Compiled): void {
  if (isConstantExpr(c) && c.constant === null) throw new Sql92SemanticError(`${c.text} cannot be compared`, c.at);
}

/** Only numbers (or properties and arithmetic) go into >, >=, <, <= and BETWEEN. */
function checkLessThanOperand(c: Compiled): void {
  if (isConstantExpr(c)) {
    if (isNumber(c.constant ?? null)) return;
    throw new Sql92SemanticError(`value ${c.text} cannot be compared`, c.at);
  }
  if (isBooleanExpr(c)) throw new Sql92SemanticError(`value ${c.text} cannot be compared`, c.at);
}

function createEqual(left: Compiled, right: Compiled, at: Sql92Position): Compiled {
  checkEqualOperand(left);
  checkEqualOperand(right);
  if (isConstantExpr(left) && isConstantExpr(right) && left.family === 'booleanConstant' && right.family !== 'booleanConstant') {
    throw new Sql92SemanticError(`${left.text} cannot be compared with ${right.text}`, at);
  }
  return equal(left, right, at, `(${left.text} = ${right.text})`);
}

function order(op: '>' | '>=' | '<' | '<=', left: Compiled, right: Compiled, at: Sql92Position): Compiled {
  checkLessThanOperand(left);
  checkLessThanOperand(right);
  const accept = op === '>' ? (n: number) => n > 0 : op === '>=' ? (n: number) => n >= 0
    : op === '<' ? (n: number) => n < 0 : (n: number) => n <= 0;
  return {
    family: 'boolean',
    text: `(${left.text} ${op} ${right.text})`,
    at,
    evaluate: (p) => {
      const lv = left.evaluate(p);
      if (lv === null) return null;
      const rv = right.evaluate(p);
      if (rv === null) return null;
      if (typeof lv === 'string' && typeof rv === 'string') {
        // two strings are compared as numbers or not at all
        try {
          return accept(javaCompare(parseJavaDouble(lv), parseJavaDouble(rv)));
        } catch {
          throw new Sql92EvaluationError(`It's illegal to compare string by '>=', '>', '<', '<='. lv=${lv}, rv=${rv}`);
        }
      }
      return accept(javaCompare(lv, rv));
    },
  };
}

function between(value: Compiled, low: Compiled, high: Compiled, negated: boolean, at: Sql92Position): Compiled {
  if (negated) return logic('OR', order('<', value, low, at), order('>', value, high, at), at);
  if (isConstantExpr(low) && isConstantExpr(high)) {
    const lv = low.constant ?? null;
    const rv = high.constant ?? null;
    if (lv === null || rv === null) throw new Sql92SemanticError('illegal values of between, values can not be null', at);
    let cmp: number;
    try {
      cmp = javaCompare(rv, lv);
    } catch (e) {
      throw new Sql92SemanticError(`illegal values of between: ${(e as Error).message}`, at);
    }
    if (cmp < 0) {
      throw new Sql92SemanticError(
        `illegal values of between, left value (${showValue(lv)}) must be less than or equal to right value (${showValue(rv)})`, at);
    }
  }
  return logic('AND', order('>=', value, low, at), order('<=', value, high, at), at);
}

function inList(value: Compiled, list: string[], negated: boolean, at: Sql92Position): Compiled {
  if (value.family !== 'property') {
    throw new Sql92SemanticError(`expected a property for IN expression, got: ${value.text}`, value.at);
  }
  const set = new Set(list);
  return {
    family: 'boolean',
    text: `${value.text} ${negated ? 'NOT IN' : 'IN'} ( ${list.map((s) => showValue(s)).join(', ')} )`,
    at,
    evaluate: (p) => {
      const v = value.evaluate(p);
      if (v === null || typeof v !== 'string') return null;
      return set.has(v) !== negated;
    },
  };
}

function stringOp(op: 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH', value: Compiled, search: string, negated: boolean, at: Sql92Position): Compiled {
  const test = op === 'CONTAINS' ? (s: string) => s.includes(search)
    : op === 'STARTSWITH' ? (s: string) => s.startsWith(search) : (s: string) => s.endsWith(search);
  return {
    family: 'boolean',
    text: `${value.text} ${negated ? 'NOT ' : ''}${op} ${showValue(search)}`,
    at,
    evaluate: (p) => {
      // an empty search text, a missing value or a non-string: FALSE (not unknown), negated or not
      if (search.length === 0) return false;
      const v = value.evaluate(p);
      if (typeof v !== 'string') return false;
      return test(v) !== negated;
    },
  };
}

function constant(value: JValue, family: 'constant' | 'booleanConstant', at: Sql92Position): Compiled {
  return { family, constant: value, text: showValue(value), at, evaluate: () => value };
}

function build(node: SyntaxNode): Compiled {
  switch (node.kind) {
    case 'literal':
      try {
        switch (node.literal) {
          case 'string': return constant(node.value, 'constant', node.at);
          case 'decimal': return constant(decimalConstant(node.image), 'constant', node.at);
          case 'float': return constant(floatConstant(node.image), 'constant', node.at);
          case 'true': return constant(true, 'booleanConstant', node.at);
          case 'false': return constant(false, 'booleanConstant', node.at);
          case 'null': return constant(null, 'booleanConstant', node.at);
        }
      } catch (e) {
        throw new Sql92SemanticError(`bad number ${node.image}: ${(e as Error).message}`, node.at);
      }
      break;
    case 'property':
      return { family: 'property', text: node.name, at: node.at, evaluate: (p) => p(node.name) ?? null };
    case 'unary': {
      const operand = build(node.operand);
      if (node.op === '+') return operand;
      if (node.op === 'NOT') return not(asBoolean(operand), node.at);
      return {
        family: 'value',
        text: `(- ${operand.text})`,
        at: node.at,
        evaluate: (p) => {
          const v = operand.evaluate(p);
          return isNumber(v) ? negate(v) : null;
        },
      };
    }
    case 'logic':
      return logic(node.op, build(node.left), build(node.right), node.at);
    case 'compare': {
      const left = build(node.left);
      const right = build(node.right);
      if (node.op === '=') return createEqual(left, right, node.at);
      if (node.op === '<>') return not(createEqual(left, right, node.at), node.at);
      return order(node.op, left, right, node.at);
    }
    case 'isNull': {
      const operand = build(node.operand);
      const isNull = equal(operand, constant(null, 'booleanConstant', node.at), node.at, `(${operand.text} IS NULL)`);
      return node.not ? not(isNull, node.at) : isNull;
    }
    case 'between':
      return between(build(node.value), build(node.low), build(node.high), node.not, node.at);
    case 'in':
      return inList(build(node.value), node.list, node.not, node.at);
    case 'strop':
      return stringOp(node.op, build(node.value), node.search, node.not, node.at);
  }
  throw new Sql92SemanticError("unknown expression", (node as { at: Sql92Position }).at);
}

/** SelectorParser.JmsSelector's result: the whole expression must be boolean. */
export function buildSelector(tree: SyntaxNode): Compiled {
  return asBoolean(build(tree));
}
