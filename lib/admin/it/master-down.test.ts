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

const captured = (dir: string) => decodeFrameWithLength(Buffer.from(readFileSync(
  new URL(`./fixtures/apache-master-down/${dir}/response.hex`, import.meta.url), 'utf8').trim(), 'hex'));
const CLUSTER_INFO = captured('106-GET_BROKER_CLUSTER_INFO');
/** Route of SdkFailover_mwxsaspt listing only the slave; other topics do not exist. */
const ROUTE = captured('105-GET_ROUTEINFO_BY_TOPIC');
const ROUTE_TOPIC = 'SdkFailover_mwxsaspt';

describe('cluster writes with a broker group whose master is down (Apache 4.9.8 cluster info)', () => {
  let server: RemotingServer;
  let admin: AdminClient;
  const requests: RemotingCommand[] = [];

  before(async () => {
    server = new RemotingServer({ logger: createLogger('test.master-down') });
    server.setDefaultProcessor((req) => {
      requests.push(req);
      if (req.code === RequestCode.GET_BROKER_CLUSTER_INFO) return { ...CLUSTER_INFO, opaque: req.opaque };
      if (req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
        if (req.extFields?.topic === ROUTE_TOPIC) return { ...ROUTE, opaque: req.opaque };
        return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${req.extFields?.topic}`);
      }
      return createResponse(req, ResponseCode.SUCCESS);
    });
    await server.listen();
    admin = new AdminClient({ namesrvAddr: server.address, timeoutMs: 2000 });
  });
  after(async () => {
    await admin?.close();
    await server?.close(0);
  });

  const NAMESRV_CODES: number[] = [RequestCode.GET_BROKER_CLUSTER_INFO, RequestCode.DELETE_TOPIC_IN_NAMESRV, RequestCode.GET_ROUTEINFO_BY_TOPIC];
  const sentToBrokers = () => requests.filter((r) => !NAMESRV_CODES.includes(r.code));
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

  test('a test message to a topic whose route has no master says so; to an unknown topic, TOPIC_NOT_EXIST', async () => {
    await assert.rejects(admin.sendTestMessage({ topic: ROUTE_TOPIC, body: 'x' }), (err: Error & { code?: number }) => {
      assert.equal(err.name, 'AdminError');
      assert.match(err.message, /no broker group of its route has a master.*127\.0\.0\.1:24201/);
      return true;
    });
    await assert.rejects(admin.sendTestMessage({ topic: 'NoSuchTopic', body: 'x' }), (err: Error & { code?: number }) => {
      assert.equal(err.code, ResponseCode.TOPIC_NOT_EXIST);
      return true;
    });
    assert.deepEqual(sentToBrokers().map((r) => r.code), []);
  });
});
