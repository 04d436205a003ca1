import { compileSql92 } from '../lib/filter/index.ts';
for (const t of ['a and between 2 and 10',' a between 10 and 0','a > 100000000000000000000000',"a > 'x'",'a = NULL','3','a = 1 b','','a.b = 1',"a = 'x",'a > 0.0',"'x' in ('x')"]) { const c = compileSql92(t); console.log(JSON.stringify(t), c.ok ? 'OK' : c.message); }
