// The launcher's broker.conf files are what the broker's own config model (lib/broker/config) reads back.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadBrokerConfig } from '../broker/config/broker-config.ts';
import { materialize, planTopology } from './topology.ts';

describe('topology', () => {
  test('every broker.conf it writes loads through the broker config model with the planned ports and roles', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-topology-'));
    try {
      const t = planTopology({ dir, basePort: 20_000, withConsole: false });
      const specs = materialize(t);
      assert.deepEqual(specs.map((s) => s.name), ['namesrv-1', 'namesrv-2', ...t.brokers.map((b) => b.name)]);
      for (const b of t.brokers) {
        const cfg = loadBrokerConfig({ file: b.confFile, env: {} });
        assert.equal(cfg.brokerName, b.brokerName);
        assert.equal(cfg.brokerId, b.brokerId);
        assert.equal(cfg.listenPort, b.listenPort);
        assert.equal(cfg.haListenPort, b.haListenPort);
        assert.equal(cfg.store.brokerRole, b.brokerRole);
        assert.equal(cfg.store.storePathRootDir, b.storePathRootDir);
        assert.deepEqual(cfg.namesrvAddr, ['127.0.0.1:20000', '127.0.0.1:20001']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
