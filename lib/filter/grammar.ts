// RocketMQ's SQL92 selector grammar (apache/rocketmq filter/SelectorParser.jj, 5.3.x) as a chevrotain parser that
// builds an untyped syntax tree; compile.ts applies RocketMQ's checks and builds the evaluator.

import { RocketDeckError } from '../common/errors.ts';
import { createToken, EmbeddedActionsParser, EOF, Lexer, type IToken, type TokenType } from 'chevrotain';

// --- tokens (same order of preference as javacc's longest match gives for this token set) ---

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\n\r\f]+/, group: Lexer.SKIPPED });
// javacc: "--" (~["\n","\r"])* ("\n"|"\r"|"\r\n"): a line comment needs its line end
const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*(\r\n|\n|\r)/, group: Lexer.SKIPPED });
const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED });

export const Identifier = createToken({ name: 'ID', pattern: /[a-zA-Z_$][a-zA-Z0-9_$]*/ });
const keyword = (name: string): TokenType =>
  createToken({ name, pattern: new RegExp(name, 'i'), longer_alt: Identifier });
const Not = keyword('NOT');
const And = keyword('AND');
const Or = keyword('OR');
const Between = keyword('BETWEEN');
const In = keyword('IN');
const True = keyword('TRUE');
const False = keyword('FALSE');
const Null = keyword('NULL');
const Is = keyword('IS');
const Contains = keyword('CONTAINS');
const StartsWith = keyword('STARTSWITH');
const EndsWith = keyword('ENDSWITH');

// FLOATING_POINT_LITERAL before DECIMAL_LITERAL: "5.5" and "5E10" are floats, "5" a decimal
const FloatLiteral = createToken({
  name: 'FLOATING_POINT_LITERAL',
  pattern: /\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/,
});
const DecimalLiteral = createToken({ name: 'DECIMAL_LITERAL', pattern: /(?:0|[1-9]\d*)[lL]?/ });
const StringLiteral = createToken({ name: 'STRING_LITERAL', pattern: /'(?:''|[^'])*'/ });

const GreaterEqual = createToken({ name: '>=', pattern: />=/ });
const LessEqual = createToken({ name: '<=', pattern: /<=/ });
const NotEqual = createToken({ name: '<>', pattern: /<>/ });
const Greater = createToken({ name: '>', pattern: />/ });
const Less = createToken({ name: '<', pattern: /</ });
const Equal = createToken({ name: '=', pattern: /=/ });
const LParen = createToken({ name: '(', pattern: /\(/ });
const RParen = createToken({ name: ')', pattern: /\)/ });
const Comma = createToken({ name: ',', pattern: /,/ });
const Plus = createToken({ name: '+', pattern: /\+/ });
const Minus = createToken({ name: '-', pattern: /-/ });

const allTokens = [
  WhiteSpace, LineComment, BlockComment,
  Not, And, Or, Between, In, True, False, Null, Is, Contains, StartsWith, EndsWith,
  Identifier, FloatLiteral, DecimalLiteral, StringLiteral,
  GreaterEqual, LessEqual, NotEqual, Greater, Less, Equal, LParen, RParen, Comma, Plus, Minus,
];

export const sql92Lexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

// --- syntax tree (before RocketMQ's semantic checks) ---

/** Where a node starts in the text: 1-based line and column, 0-based offset. */
export interface Sql92Position {
  line: number;
  column: number;
  offset: number;
}

export type LiteralKind = 'string' | 'decimal' | 'float' | 'true' | 'false' | 'null';

export type SyntaxNode =
  | { kind: 'literal'; literal: LiteralKind; image: string; value: string; at: Sql92Position }
  | { kind: 'property'; name: string; at: Sql92Position }
  | { kind: 'unary'; op: '+' | '-' | 'NOT'; operand: SyntaxNode; at: Sql92Position }
  | { kind: 'logic'; op: 'AND' | 'OR'; left: SyntaxNode; right: SyntaxNode; at: Sql92Position }
  | { kind: 'compare'; op: '=' | '<>' | '>' | '>=' | '<' | '<='; left: SyntaxNode; right: SyntaxNode; at: Sql92Position }
  | { kind: 'isNull'; not: boolean; operand: SyntaxNode; at: Sql92Position }
  | { kind: 'between'; not: boolean; value: SyntaxNode; low: SyntaxNode; high: SyntaxNode; at: Sql92Position }
  | { kind: 'in'; not: boolean; value: SyntaxNode; list: string[]; at: Sql92Position }
  | { kind: 'strop'; op: 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH'; not: boolean; value: SyntaxNode; search: string; at: Sql92Position };

export const positionOf = (t: IToken): Sql92Position => ({
  line: t.startLine ?? 1,
  column: t.startColumn ?? 1,
  offset: t.startOffset,
});

/** javacc's stringLitteral(): drop the quotes, '' is one quote. */
const unquote = (image: string): string => image.slice(1, -1).replace(/''/g, "'");

class SelectorParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  public readonly selector = this.RULE('JmsSelector', (): SyntaxNode => this.SUBRULE(this.orExpression));

  private readonly orExpression = this.RULE('orExpression', (): SyntaxNode => {
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      const op = this.CONSUME(Or);
      const right = this.SUBRULE2(this.andExpression);
      left = this.ACTION(() => ({ kind: 'logic', op: 'OR', left, right, at: positionOf(op) }) as SyntaxNode);
    });
    return left;
  });

  private readonly andExpression = this.RULE('andExpression', (): SyntaxNode => {
    let left = this.SUBRULE(this.equalityExpression);
    this.MANY(() => {
      const op = this.CONSUME(And);
      const right = this.SUBRULE2(this.equalityExpression);
      left = this.ACTION(() => ({ kind: 'logic', op: 'AND', left, right, at: positionOf(op) }) as SyntaxNode);
    });
    return left;
  });

  private readonly equalityExpression = this.RULE('equalityExpression', (): SyntaxNode => {
    let left = this.SUBRULE(this.comparisonExpression);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.CONSUME(Equal);
            const right = this.SUBRULE2(this.comparisonExpression);
            left = this.ACTION(() => ({ kind: 'compare', op: '=', left, right, at: positionOf(op) }) as SyntaxNode);
          },
        },
        {
          ALT: () => {
            const op = this.CONSUME(NotEqual);
            const right = this.SUBRULE3(this.comparisonExpression);
            left = this.ACTION(() => ({ kind: 'compare', op: '<>', left, right, at: positionOf(op) }) as SyntaxNode);
          },
        },
        {
          ALT: () => {
            const op = this.CONSUME(Is);
            const not = this.OPTION(() => this.CONSUME(Not)) !== undefined;
            this.CONSUME(Null);
            left = this.ACTION(() => ({ kind: 'isNull', not, operand: left, at: positionOf(op) }) as SyntaxNode);
          },
        },
      ]);
    });
    return left;
  });

  private readonly comparisonExpression = this.RULE('comparisonExpression', (): SyntaxNode => {
    let left = this.SUBRULE(this.unaryExpr);
    const compare = (tok: TokenType, op: '>' | '>=' | '<' | '<=', idx: 1 | 2 | 3 | 4) => ({
      ALT: () => {
        const t = this.CONSUME(tok);
        const right = idx === 1 ? this.SUBRULE1(this.unaryExpr) : idx === 2 ? this.SUBRULE2(this.unaryExpr)
          : idx === 3 ? this.SUBRULE3(this.unaryExpr) : this.SUBRULE4(this.unaryExpr);
        left = this.ACTION(() => ({ kind: 'compare', op, left, right, at: positionOf(t) }) as SyntaxNode);
      },
    });
    // javacc's [<NOT>] (CONTAINS | STARTSWITH | ENDSWITH) 'text' | BETWEEN low AND high | IN ('a', ...)
    const negatable = {
      ALT: () => {
        const n = this.OPTION(() => this.CONSUME(Not));
        const not = n !== undefined;
        this.OR2([
          {
            ALT: () => {
              const t = this.OR3([
                { ALT: () => this.CONSUME(Contains) },
                { ALT: () => this.CONSUME(StartsWith) },
                { ALT: () => this.CONSUME(EndsWith) },
              ]);
              const search = this.CONSUME(StringLiteral);
              left = this.ACTION(() => ({
                kind: 'strop',
                op: t.image.toUpperCase() as 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH',
                not,
                value: left,
                search: unquote(search.image),
                at: positionOf(n ?? t),
              }) as SyntaxNode);
            },
          },
          {
            ALT: () => {
              const t = this.CONSUME(Between);
              const low = this.SUBRULE5(this.unaryExpr);
              this.CONSUME(And);
              const high = this.SUBRULE6(this.unaryExpr);
              left = this.ACTION(() => ({ kind: 'between', not, value: left, low, high, at: positionOf(n ?? t) }) as SyntaxNode);
            },
          },
          {
            ALT: () => {
              const t = this.CONSUME(In);
              this.CONSUME(LParen);
              const list: string[] = [];
              this.AT_LEAST_ONE_SEP({
                SEP: Comma,
                DEF: () => {
                  const s = this.CONSUME2(StringLiteral);
                  this.ACTION(() => list.push(unquote(s.image)));
                },
              });
              this.CONSUME(RParen);
              left = this.ACTION(() => ({ kind: 'in', not, value: left, list, at: positionOf(n ?? t) }) as SyntaxNode);
            },
          },
        ]);
      },
    };
    this.MANY(() => {
      this.OR([
        compare(Greater, '>', 1),
        compare(GreaterEqual, '>=', 2),
        compare(Less, '<', 3),
        compare(LessEqual, '<=', 4),
        negatable,
      ]);
    });
    return left;
  });

  private readonly unaryExpr = this.RULE('unaryExpr', (): SyntaxNode =>
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(Plus);
          const operand = this.SUBRULE(this.unaryExpr);
          return this.ACTION(() => ({ kind: 'unary', op: '+', operand, at: positionOf(t) }) as SyntaxNode);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(Minus);
          const operand = this.SUBRULE2(this.unaryExpr);
          return this.ACTION(() => ({ kind: 'unary', op: '-', operand, at: positionOf(t) }) as SyntaxNode);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(Not);
          const operand = this.SUBRULE3(this.unaryExpr);
          return this.ACTION(() => ({ kind: 'unary', op: 'NOT', operand, at: positionOf(t) }) as SyntaxNode);
        },
      },
      { ALT: () => this.SUBRULE(this.primaryExpr) },
    ]),
  );

  private readonly primaryExpr = this.RULE('primaryExpr', (): SyntaxNode =>
    this.OR([
      { ALT: () => this.SUBRULE(this.literal) },
      {
        ALT: () => {
          const t = this.CONSUME(Identifier);
          return this.ACTION(() => ({ kind: 'property', name: t.image, at: positionOf(t) }) as SyntaxNode);
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const inner = this.SUBRULE(this.orExpression);
          this.CONSUME(RParen);
          return inner;
        },
      },
    ]),
  );

  private readonly literal = this.RULE('literal', (): SyntaxNode => {
    const lit = (tok: TokenType, literal: LiteralKind) => ({
      ALT: () => {
        const t = this.CONSUME(tok);
        return this.ACTION(() => ({
          kind: 'literal',
          literal,
          image: t.image,
          value: literal === 'string' ? unquote(t.image) : t.image,
          at: positionOf(t),
        }) as SyntaxNode);
      },
    });
    return this.OR([
      lit(StringLiteral, 'string'),
      lit(DecimalLiteral, 'decimal'),
      lit(FloatLiteral, 'float'),
      lit(True, 'true'),
      lit(False, 'false'),
      lit(Null, 'null'),
    ]);
  });
}

// one parser instance: chevrotain parsers are reusable (input is reset per parse) and costly to build
const parser = new SelectorParser();

export class Sql92SyntaxError extends RocketDeckError {
  constructor(message: string, readonly position: Sql92Position) {
    super(message);
    this.name = 'Sql92SyntaxError';
  }
}

/** The end of the text as a position (for "unexpected end of expression"). */
export function endPosition(text: string): Sql92Position {
  const lines = text.split(/\r\n|\n|\r/);
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1, offset: text.length };
}


/** Parse text to a syntax tree, or throw Sql92SyntaxError naming the first problem and where it is. */
export function parseSyntax(text: string): SyntaxNode {
  const lexed = sql92Lexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const e = lexed.errors[0]!;
    const ch = text.substr(e.offset, 1);
    throw new Sql92SyntaxError(`unexpected character '${ch}' at line ${e.line ?? 1}, column ${e.column ?? 1}`, {
      line: e.line ?? 1,
      column: e.column ?? 1,
      offset: e.offset,
    });
  }
  parser.input = lexed.tokens;
  const tree = parser.selector();
  if (parser.errors.length > 0) {
    const e = parser.errors[0]!;
    const atEnd = e.token.tokenType === EOF || Number.isNaN(e.token.startOffset);
    const position = atEnd ? endPosition(text) : positionOf(e.token);
    const found = atEnd ? 'end of expression' : `'${e.token.image}'`;
    throw new Sql92SyntaxError(`unexpected ${found} at line ${position.line}, column ${position.column}${expecting(e.message)}`, position);
  }
  return tree;
}

const READABLE: Record<string, string> = {
  STRING_LITERAL: 'a string', DECIMAL_LITERAL: 'an integer', FLOATING_POINT_LITERAL: 'a decimal number', ID: 'a property name',
};
const readable = (name: string): string => READABLE[name] ?? name;

/** chevrotain's "Expecting token of type --> X <--" or "one of these possible Token sequences" shortened to a hint. */
function expecting(message: string): string {
  if (/^Redundant input/.test(message)) return '; expected the end of the expression';
  const single = /Expecting token of type --> (.+?) <--/.exec(message);
  if (single) return `; expected ${readable(single[1]!)}`;
  const alts = [...message.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!.split(',')[0]!.trim());
  const unique = [...new Set(alts)].filter((a) => a !== '').map(readable);
  if (unique.length > 0 && unique.length <= 12) return `; expected one of ${unique.join(', ')}`;
  return '';
}
