import { parseSyntax } from '/work/wt-sql92/lib/filter/grammar.ts';
for (const t of ["a=3 and b<>4 And c>5 AND d<=4", "a not in ('6', '4', '5')", "a between 2 and 10", "a and between 2 and 10", "a is not null", "value not contains 'x'", "a >", "a = 'x''y'", "a # 3", "a in ()"]) {
  try { console.log(t, '=>', JSON.stringify(parseSyntax(t)).slice(0, 200)); } catch (e) { console.log(t, 'ERR', (e as Error).message, JSON.stringify((e as any).position)); }
}
