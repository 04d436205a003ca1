// RocketMQ's SQL92 message selector (MessageSelector.bySql): compile once, evaluate per message. Shared by the
// broker (subscriptions) and the console (live tail filters); imports no other room.

import { endPosition, parseSyntax, Sql92SyntaxError, type Sql92Position, type SyntaxNode } from './grammar.ts';
import { buildSelector, Sql92SemanticError, type PropertyLookup } from './compile.ts';

export type { Sql92Position, SyntaxNode as Sql92SyntaxTree } from './grammar.ts';
export type { PropertyLookup } from './compile.ts';

/** An evaluation as RocketMQ's expression gives it: TRUE, FALSE, null (unknown), or the error Java would throw. */
export type Sql92Outcome = { value: boolean | null } | { error: string };

export interface Sql92Filter {
  ok: true;
  /** the text as given */
  text: string;
  /** the syntax tree (plain data) */
  expr: SyntaxNode;
  /** property names the expression reads, in order of first use */
  properties: string[];
  /**
   * Whether a message with these properties matches, as RocketMQ's broker decides (ExpressionMessageFilter): only
   * TRUE matches; unknown (a property missing) and an evaluation error (e.g. `a > 3` with a = 'x') do not.
   */
  evaluate(props: PropertyLookup): boolean;
  /** The three-valued result, or the evaluation error, for showing why a message did not match. */
  evaluateDetailed(props: PropertyLookup): Sql92Outcome;
}

export interface Sql92Invalid {
  ok: false;
  /** what is wrong, naming the line and column */
  message: string;
  /** where: 1-based line and column, 0-based offset into the text */
  position: Sql92Position;
}

export type Sql92Compiled = Sql92Filter | Sql92Invalid;

/**
 * Compile a selector as RocketMQ's SelectorParser.parse does (grammar of 5.3.x: comparisons, BETWEEN, IN, IS [NOT]
 * NULL, AND/OR/NOT, [NOT] CONTAINS/STARTSWITH/ENDSWITH, string, integer, float and boolean constants), with the
 * checks it makes at parse time (e.g. `a > 'x'`, `a = NULL`, `a BETWEEN 10 AND 1` are refused).
 */
export function compileSql92(text: string): Sql92Compiled {
  let tree: SyntaxNode;
  try {
    tree = parseSyntax(text);
  } catch (e) {
    if (e instanceof Sql92SyntaxError) return { ok: false, message: e.message, position: e.position };
    return { ok: false, message: `invalid expression: ${(e as Error).message}`, position: endPosition(text) };
  }
  try {
    const root = buildSelector(tree);
    const evaluateDetailed = (props: PropertyLookup): Sql92Outcome => {
      try {
        const v = root.evaluate(props);
        return { value: typeof v === 'boolean' ? v : null };
      } catch (e) {
        return { error: (e as Error).message };
      }
    };
    return {
      ok: true,
      text,
      expr: tree,
      properties: propertyNames(tree),
      evaluate: (props) => {
        try {
          return root.evaluate(props) === true;
        } catch {
          return false;
        }
      },
      evaluateDetailed,
    };
  } catch (e) {
    if (e instanceof Sql92SemanticError) {
      const p = e.position;
      return { ok: false, message: `${e.message} (line ${p.line}, column ${p.column})`, position: p };
    }
    throw e;
  }
}

/** A lookup over a plain object or Map of properties. */
export function propertiesOf(props: Record<string, string> | Map<string, string>): PropertyLookup {
  if (props instanceof Map) return (name) => props.get(name);
  return (name) => (Object.prototype.hasOwnProperty.call(props, name) ? props[name] : undefined);
}

function propertyNames(tree: SyntaxNode): string[] {
  const out: string[] = [];
  const walk = (n: SyntaxNode): void => {
    switch (n.kind) {
      case 'property': if (!out.includes(n.name)) out.push(n.name); return;
      case 'literal': return;
      case 'unary': walk(n.operand); return;
      case 'logic': case 'compare': walk(n.left); walk(n.right); return;
      case 'isNull': walk(n.operand); return;
      case 'between': walk(n.value); walk(n.low); walk(n.high); return;
      case 'in': case 'strop': walk(n.value); return;
    }
  };
  walk(tree);
  return out;
}
