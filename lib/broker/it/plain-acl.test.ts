// ACL 1.0 on a real broker process: aclEnable=true with plain_acl.yml, refusals as 4.9.8 answers them
// (SYSTEM_ERROR + the AclException), the file reloaded while the broker runs, and the 1.0 admin codes.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signRequest, type SessionCredentials } from '../../auth/signature.ts';
import { setLogSink } from '../../common/log.ts';
import { RequestCode, ResponseCode } from '../../protocol/codes.ts';
import { RemotingClient } from '../../remoting/client.ts';
import { removeDir, spawnBroker, spawnNamesrv, TestClient, tempDir, waitFor, type BrokerProcess, type NamesrvProcess } from './harness.ts';

setLogSink(() => {});

const ADMIN: SessionCredentials = { accessKey: 'RocketMQAdmin', secretKey: '12345678abc' };
const USER: SessionCredentials = { accessKey: 'RocketMQUser', secretKey: '87654321xyz' };

const yml = (userTopicPerms: string) => `
globalWhiteRemoteAddresses:
  - 10.10.103.*
accounts:
  - accessKey: ${ADMIN.accessKey}
    secretKey: ${ADMIN.secretKey}
    admin: true
  - accessKey: ${USER.accessKey}
    secretKey: ${USER.secretKey}
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
${userTopicPerms}
`;

describe('ACL 1.0 (plain_acl.yml) on a broker process', () => {
  let ns: NamesrvProcess;
  let broker: BrokerProcess;
  let aclFile: string;
  const clients: TestClient[] = [];
  const client = (creds?: SessionCredentials): TestClient => {
    const c = new TestClient(broker.address, new RemotingClient({ defaultTimeoutMs: 10_000, beforeRequest: creds ? (_a, req) => signRequest(req, creds) : undefined }));
    clients.push(c);
    return c;
  };

  before(async () => {
    ns = await spawnNamesrv();
    const dir = tempDir('broker-plain-acl');
    const storeDir = join(dir, 'store');
    aclFile = join(storeDir, 'conf', 'plain_acl.yml');
    mkdirSync(join(storeDir, 'conf'), { recursive: true });
    writeFileSync(aclFile, yml('      - TopicA=PUB|SUB'));
    broker = await spawnBroker({ namesrv: ns.address, dir, props: { aclEnable: true } });
    await client(ADMIN).createTopic('TopicA', 2);
    await client(ADMIN).createTopic('TopicB', 2);
  });

  after(async () => {
    for (const c of clients) await c.remoting.close();
    await broker?.destroy();
    await ns?.stop();
    if (ns) removeDir(ns.dir);
  });

  test('unsigned, unknown key and wrong signature are refused with SYSTEM_ERROR and the AclException', async () => {
    const unsigned = await client().send('TopicA', 'x');
    assert.equal(unsigned.code, ResponseCode.SYSTEM_ERROR);
    assert.match(unsigned.remark ?? '', /^org\.apache\.rocketmq\.acl\.common\.AclException: No accessKey is configured, org\.apache\.rocketmq\.acl\.plain\.PlainPermissionManager\.validate/);
    const unknown = await client({ accessKey: 'Nobody12', secretKey: 'whatever12' }).send('TopicA', 'x');
    assert.match(unknown.remark ?? '', /AclException: No acl config for Nobody12/);
    const wrong = await client({ accessKey: USER.accessKey, secretKey: 'wrong-secret' }).send('TopicA', 'x');
    assert.match(wrong.remark ?? '', /AclException: Check signature failed for accessKey=RocketMQUser/);
  });

  test('per-topic and default perms decide; admin codes need an admin account', async () => {
    const user = client(USER);
    assert.equal((await user.send('TopicA', 'ok')).code, ResponseCode.SUCCESS);
    const denied = await user.send('TopicB', 'no');
    assert.equal(denied.code, ResponseCode.SYSTEM_ERROR);
    assert.match(denied.remark ?? '', /AclException: No default permission for topic:TopicB/);
    const create = await user.call(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic: 'TopicC', defaultTopic: 'TBW102', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
    });
    assert.match(create.remark ?? '', /Need admin permission for request code=17, but accessKey=RocketMQUser is not/);
  });

  test('an edited plain_acl.yml takes effect without a restart', async () => {
    writeFileSync(aclFile, yml('      - TopicA=PUB|SUB\n      - TopicB=PUB'));
    const user = client(USER);
    await waitFor('TopicB writable after the reload', async () => (await user.send('TopicB', 'now')).code === ResponseCode.SUCCESS, 15_000);
  });

  test('1.0 admin codes edit the file: UPDATE_AND_CREATE_ACL_CONFIG, GET_BROKER_CLUSTER_ACL_CONFIG, DELETE_ACL_CONFIG', async () => {
    const admin = client(ADMIN);
    const created = await admin.call(RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, {
      accessKey: 'NewUser01', secretKey: 'NewSecret01', admin: false, defaultTopicPerm: 'PUB', defaultGroupPerm: 'SUB', topicPerms: 'TopicA=DENY',
    });
    assert.equal(created.code, ResponseCode.SUCCESS, created.remark);
    const fresh = client({ accessKey: 'NewUser01', secretKey: 'NewSecret01' });
    assert.equal((await fresh.send('TopicB', 'default pub')).code, ResponseCode.SUCCESS);
    assert.match((await fresh.send('TopicA', 'denied')).remark ?? '', /No default permission for topic:TopicA/);
    const cfg = await admin.call(RequestCode.GET_BROKER_CLUSTER_ACL_CONFIG);
    const body = JSON.parse(cfg.body!.toString()) as { globalWhiteAddrs: string[]; plainAccessConfigs: Array<{ accessKey: string }> };
    assert.deepEqual(body.globalWhiteAddrs, ['10.10.103.*']);
    assert.ok(body.plainAccessConfigs.some((a) => a.accessKey === 'NewUser01'));
    assert.equal((await admin.call(RequestCode.DELETE_ACL_CONFIG, { accessKey: 'NewUser01' })).code, ResponseCode.SUCCESS);
    assert.match((await fresh.send('TopicB', 'gone')).remark ?? '', /No acl config for NewUser01/);
    const byUser = await client(USER).call(RequestCode.DELETE_ACL_CONFIG, { accessKey: ADMIN.accessKey });
    assert.equal(byUser.code, ResponseCode.SYSTEM_ERROR, 'a normal account cannot edit the ACL');
    assert.match(byUser.remark ?? '', /Need admin permission for request code=51/);
  });
});
