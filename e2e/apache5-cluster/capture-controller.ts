// Captures a 5.3.3 controller's answers (CONTROLLER_GET_METADATA_INFO, CONTROLLER_GET_SYNC_STATE_DATA) and the master's
// GET_BROKER_HA_STATUS in controller mode as fixtures (A5_FIXTURES_OUT, default lib/admin/fixtures/apache-5.3.3/).
// Usage: npx tsx e2e/apache5-cluster/capture-controller.ts <controller> <brokerName> <master>

import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setLogSink } from '../../lib/common/log.ts';
import { RemotingClient } from '../../lib/remoting/client.ts';
import { createRequest } from '../../lib/remoting/command.ts';
import { RequestCode } from '../../lib/protocol/codes.ts';

const [controller, brokerName, master] = process.argv.slice(2);
if (!master) {
  console.error('usage: capture-controller.ts <controller> <brokerName> <master>');
  process.exit(2);
}
setLogSink(() => {});
const OUT = process.env.A5_FIXTURES_OUT ? `${process.env.A5_FIXTURES_OUT.replace(/\/$/, '')}/` : fileURLToPath(new URL('../../lib/admin/fixtures/apache-5.3.3/', import.meta.url));
mkdirSync(OUT, { recursive: true });
const client = new RemotingClient({ defaultTimeoutMs: 5000 });
async function capture(name: string, addr: string, code: number, body?: Buffer): Promise<void> {
  const res = await client.invoke(addr, createRequest(code, undefined, { body }), 5000);
  writeFileSync(`${OUT}${name}.json`, `${JSON.stringify({
    request: { code, extFields: {}, ...(body ? { body: body.toString('utf8') } : {}) },
    response: { code: res.code, remark: res.remark ?? null, version: res.version, language: res.language, extFields: res.extFields ?? {}, ...(res.body?.length ? { body: res.body.toString('utf8') } : {}) },
  }, null, 2)}\n`);
  console.log(`${name}: code ${res.code}`);
}
await capture('controller-metadata', controller!, RequestCode.CONTROLLER_GET_METADATA_INFO);
await capture('controller-sync-state', controller!, RequestCode.CONTROLLER_GET_SYNC_STATE_DATA, Buffer.from(JSON.stringify([brokerName])));
await capture('controller-mode-ha-status', master!, RequestCode.GET_BROKER_HA_STATUS);
await client.close();
