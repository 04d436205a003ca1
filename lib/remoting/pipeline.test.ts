// The server's request pipeline and the client's beforeRequest hook, over a real socket on 127.0.0.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingClient } from './client.ts';
import { createRequest, createResponse } from './command.ts';
import { RemotingServer } from './server.ts';
import { captureLogger } from './it/helpers.ts';

test('the pipeline answers a refused request instead of its processor; the client hook runs on every request', async () => {
  const server = new RemotingServer({ logger: captureLogger() });
  let handled = 0;
  server.registerProcessor(10, (req) => {
    handled++;
    return createResponse(req, 0, 'handled');
  });
  server.setRequestPipeline((req) => (req.extFields?.who === 'mallory' ? createResponse(req, 16, 'refused') : undefined));
  const { port } = await server.listen();
  const seen: string[] = [];
  const client = new RemotingClient({ logger: captureLogger(), beforeRequest: (addr, req) => {
    seen.push(addr);
    req.extFields = { ...req.extFields, hooked: 'yes' };
  } });
  try {
    const addr = `127.0.0.1:${port}`;
    const ok = await client.invoke(addr, createRequest(10, { who: 'alice' }));
    assert.equal(ok.remark, 'handled');
    const refused = await client.invoke(addr, createRequest(10, { who: 'mallory' }));
    assert.deepEqual([refused.code, refused.remark], [16, 'refused']);
    assert.equal(handled, 1, 'the processor never saw the refused request');
    await client.invokeOneway(addr, createRequest(10, { who: 'alice' }, { oneway: true }));
    assert.deepEqual(seen, [addr, addr, addr]);
    server.setRequestPipeline(undefined);
    assert.equal((await client.invoke(addr, createRequest(10, { who: 'mallory' }))).remark, 'handled');
  } finally {
    await client.close();
    await server.close(0);
  }
});
