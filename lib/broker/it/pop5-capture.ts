// Captures the POP/timer scenario (pop5-scenario.ts) from a running broker into a fixture file:
//   npx tsx lib/broker/it/pop5-capture.ts <brokerAddr> <brokerName> <out.json>
// The fixtures in fixtures/pop5/ were taken from Apache RocketMQ 5.3.3 built and started with
// /work/shared/real-rocketmq5 (see fixtures/pop5/README.md).
import { writeFileSync } from 'node:fs';
import { TestClient } from './harness.ts';
import { runScenario } from './pop5-scenario.ts';

const [addr, brokerName, out] = process.argv.slice(2);
if (!addr || !brokerName || !out) {
  process.stderr.write('usage: pop5-capture.ts <brokerAddr> <brokerName> <out.json>\n');
  process.exit(2);
}
const c = new TestClient(addr);
try {
  const exchanges = await runScenario(c, brokerName);
  writeFileSync(out, JSON.stringify({ capturedFrom: addr, brokerName, at: new Date().toISOString(), exchanges }, null, 2) + '\n');
  process.stdout.write(`${exchanges.length} exchanges written to ${out}\n`);
} finally {
  await c.close();
}
