// Cluster-wide writes while a broker group has no master, against the cluster info a real Apache RocketMQ 4.9.8
// nameserver gave with broker-a's master down (fixtures/apache-master-down): the group is named as a failure instead
// of the write looking done.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AdminClient } from '../client.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { decodeFrameWithLength } from '../../remoting/codec.ts';
import { createResponse, type RemotingCommand } from '../../remoting/command.ts';
import { RemotingServer } from '../../remoting/server.ts';
import { createLogger, setLogSink } from '../../common/log.ts';

setLogSink(() => {});

const CLUSTER_INFO = decodeFrameWithLength(Buffer.from(readFileSync(
  new URL('./fixtures/apache-master-down/106-GET_BROKER_CLUSTER_INFO/response.hex', import.meta.url), 'utf8').trim(), 'hex'));

describe('cluster writes with a broker group whose master is down (Apache 4.9.8 cluster info)', () => {
  let server: RemotingServer;
  let admin: AdminClient;
  const requests: RemotingCommand[] = [];

  before(async () => {
    server = new RemotingServer({ logger: createLogger('test.master-down') });
    server.setDefaultProcessor((req) => {
      requests.push(req);
      if (req.code === RequestCode.GET_BROKER_CLUSTER_INFO) return { ...CLUSTER_INFO, opaque: req.opaque };
      return createResponse(req, ResponseCode.SUCCESS);
    });
    await server.listen();
    admin = new AdminClient({ namesrvAddr: server.address, timeoutMs: 2000 });
  });
  after(async () => {
    await admin?.close();
    await server?.close(0);
  });

  const sentToBrokers = () => requests.filter((r) => r.code !== RequestCode.GET_BROKER_CLUSTER_INFO && r.code !== RequestCode.DELETE_TOPIC_IN_NAMESRV);
  const namesBrokerA = (errors: Array<{ brokerName: string; error: string }>) =>
    errors.length === 1 && errors[0]!.brokerName === 'broker-a' && /no master \(brokerId 0\)/.test(errors[0]!.error) && errors[0]!.error.includes('127.0.0.1:22630');

  test('updateTopic, updateSubGroup, deleteSubGroup, deleteTopic and updateBrokerConfig name broker-a and send nothing to its slave', async () => {
    const sel = { clusterName: 'DefaultCluster' };
    const topic = await admin.createOrUpdateTopic(sel, { topic: 'T1' });
    assert.deepEqual(topic.done, []);
    assert.ok(namesBrokerA(topic.errors), JSON.stringify(topic.errors));
    const group = await admin.createOrUpdateSubGroup(sel, { groupName: 'g1' });
    assert.ok(namesBrokerA(group.errors), JSON.stringify(group.errors));
    const delGroup = await admin.deleteSubGroup(sel, 'g1');
    assert.ok(namesBrokerA(delGroup.errors), JSON.stringify(delGroup.errors));
    const delTopic = await admin.deleteTopic('T1', 'DefaultCluster');
    assert.ok(namesBrokerA(delTopic.errors), JSON.stringify(delTopic.errors));
    const cfg = await admin.updateBrokerConfig(sel, { flushConsumerOffsetInterval: '5000' });
    assert.ok(namesBrokerA(cfg.errors), JSON.stringify(cfg.errors));
    assert.deepEqual(sentToBrokers().map((r) => r.code), []);
  });
});
