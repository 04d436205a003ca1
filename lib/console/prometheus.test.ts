// Prometheus text format: escaping and number formatting, and the exporter's metric names and labels from a snapshot.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from './collect.ts';
import { alertFamilies, formatMetrics, formatValue, snapshotFamilies } from './prometheus.ts';

function sampleSnapshot(): Snapshot {
  return {
    cluster: 'default',
    ts: 1_700_000_000_000,
    durationMs: 5,
    brokers: [
      {
        clusterName: 'C', brokerName: 'broker-a', brokerId: 0, brokerAddr: '10.0.0.1:10911',
        runtime: { putTps: '12.5 11.0 10.0', getTransferedTps: '3.0 2.0 1.0', msgPutTotalTodayNow: '42', brokerVersionDesc: 'V4_9_8', brokerVersion: '413', bootTimestamp: '1699999999000', commitLogDiskRatio: '0.25' },
      },
      { clusterName: 'C', brokerName: 'broker-a', brokerId: 1, brokerAddr: '10.0.0.2:10911', error: 'unreachable' },
    ],
    topics: new Map([['Orders', {
      topic: 'Orders', kind: 'NORMAL', system: false, messages: 100, tps: 2.5,
      brokers: [{ clusterName: 'C', brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', queues: [], maxOffsetSum: 100, tps: 2.5 }],
    }]]),
    groups: new Map([['g1', {
      group: 'g1', system: false, brokerNames: ['broker-a'], diff: 7, lagSeconds: 1.5, tps: 1, inTps: 2, brokerTps: 0,
      perTopic: [
        { topic: 'Orders', clusterName: 'C', brokerName: 'broker-a', queues: 4, diff: 5, brokerOffsetSum: 100, consumerOffsetSum: 95, lagMs: 1500, tps: 1 },
        { topic: '%RETRY%g1', clusterName: 'C', brokerName: 'broker-a', queues: 1, diff: 2, brokerOffsetSum: 2, consumerOffsetSum: 0, lagMs: null, tps: 0 },
      ],
      queuesPerTopic: { Orders: 4, '%RETRY%g1': 1 },
      members: { clientIds: ['c1@1', 'c2@2'], clientAddrs: ['10.1.0.1:5000', '10.1.0.2:5000'], messageModel: 'CLUSTERING' },
    }]]),
    errors: [],
    storeTimes: new Map(),
  };
}

describe('prometheus text format', () => {
  test('label values and help text are escaped; special numbers use Prometheus spellings', () => {
    const text = formatMetrics([{ name: 'm', help: 'a\\b\nc', type: 'gauge', samples: [{ labels: { l: 'x"y\\z\nw' }, value: 1.5 }, { labels: {}, value: Infinity }] }]);
    assert.equal(text, '# HELP m a\\\\b\\nc\n# TYPE m gauge\nm{l="x\\"y\\\\z\\nw"} 1.5\nm +Inf\n');
    assert.equal(formatValue(NaN), 'NaN');
    assert.equal(formatValue(-Infinity), '-Inf');
  });

  test('a snapshot becomes the exporter\'s families with its label names', () => {
    const text = formatMetrics(snapshotFamilies(sampleSnapshot()));
    assert.match(text, /^rocketmq_producer_tps\{cluster="C",broker="broker-a",topic="Orders"\} 2\.5$/m);
    assert.match(text, /^rocketmq_consumer_tps\{cluster="C",broker="broker-a",topic="Orders",group="g1"\} 1$/m);
    assert.match(text, /^rocketmq_group_diff\{group="g1",topic="Orders",countOfOnlineConsumers="2",msgModel="1"\} 5$/m);
    assert.match(text, /^rocketmq_group_retrydiff\{group="g1",topic="%RETRY%g1",countOfOnlineConsumers="2",msgModel="1"\} 2$/m);
    assert.match(text, /^rocketmq_group_get_latency_by_storetime\{cluster="C",broker="broker-a",topic="Orders",group="g1"\} 1500$/m);
    assert.match(text, /^rocketmq_group_count\{caddr="10\.1\.0\.1:5000,10\.1\.0\.2:5000",localaddr="",group="g1"\} 2$/m);
    assert.match(text, /^rocketmq_broker_tps\{cluster="C",brokerIP="10\.0\.0\.1:10911",broker="broker-a"\} 12\.5$/m);
    assert.match(text, /^rocketmq_brokeruntime_put_tps60\{cluster="C",brokerIP="10\.0\.0\.1:10911",brokerHost="10\.0\.0\.1",des="V4_9_8",boottime="1699999999000",broker_version="413"\} 11$/m);
    assert.match(text, /^rocketmq_brokeruntime_msg_put_total_today_now\{.*\} 42$/m);
    assert.match(text, /^rocketdeck_broker_up\{cluster="C",broker="broker-a",brokerIP="10\.0\.0\.2:10911"\} 0$/m);
    assert.match(text, /^# TYPE rocketmq_consumer_offset gauge$/m);
    // every sample line is name{labels} value
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) assert.match(line, /^[a-z_0-9]+(\{.*\})? \S+$/);
  });
});

test('alert states: one sample per firing alert, silenced ones marked 2, counts per severity', () => {
  const text = formatMetrics(alertFamilies([
    { cluster: 'c', ruleId: 'down', subject: '10.0.0.1:10911', severity: 'critical', silenced: false, flapping: false },
    { cluster: 'c', ruleId: 'lag', subject: 'g', severity: 'warning', silenced: true, flapping: false },
  ]));
  assert.match(text, /^rocketdeck_alert_firing\{cluster="c",rule="down",subject="10.0.0.1:10911",severity="critical",flapping="false"\} 1$/m);
  assert.match(text, /^rocketdeck_alert_firing\{cluster="c",rule="lag",subject="g",severity="warning",flapping="false"\} 2$/m);
  assert.match(text, /^rocketdeck_alerts_firing\{severity="critical"\} 1$/m);
  assert.match(text, /^rocketdeck_alerts_firing\{severity="warning"\} 0$/m);
});
