import { compileSql92 } from '../lib/filter/index.ts';
for (const expr of ['a = 7', 'a BETWEEN 10 AND 19', "a < 50 OR region = 'none'", "region IN ('eu','us') AND vip = TRUE"]) {
  const c = compileSql92(expr); if (!c.ok) throw new Error(c.message);
  const props = Array.from({ length: 1000 }, (_, i) => ({ a: String(i % 100), region: i % 3 ? 'eu' : 'us', vip: 'true' } as Record<string, string>));
  let n = 0; const t = performance.now();
  for (let k = 0; k < 1000; k++) for (const p of props) if (c.evaluate((x) => p[x])) n++;
  console.log(expr, ((1e6 / (performance.now() - t)) * 1000).toFixed(0), 'eval/s', n);
}
