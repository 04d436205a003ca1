// Producer and consumer cases of JavaCompat: real Apache RocketMQ 4.9.8 client classes against the cluster.

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.heartbeat.MessageModel;

import static java.nio.charset.StandardCharsets.UTF_8;

public class ClientCases {
    static final String S = JavaCompat.S;

    static Message msg(String topic, String tag, String key, String body) {
        Message m = new Message(topic, tag, key, body.getBytes(UTF_8));
        m.putUserProperty("jc", "1");
        return m;
    }

    static void register(Map<String, JavaCompat.Case> cases) {
        cases.put("producer.sync.autoCreateTopic", () -> {
            String topic = "JC_AUTO_" + S;
            DefaultMQProducer p = JavaCompat.producer("JC_PG_SYNC_" + S);
            try {
                Set<Integer> queues = new HashSet<>();
                for (int i = 0; i < 10; i++) {
                    SendResult r = p.send(msg(topic, "TagA", "k" + i, "sync-" + i));
                    JavaCompat.check(r.getSendStatus() == SendStatus.SEND_OK, "status " + r);
                    JavaCompat.check(r.getMsgId() != null && r.getOffsetMsgId() != null, "ids " + r);
                    queues.add(r.getMessageQueue().getQueueId());
                }
                return "10 sent to " + queues.size() + " queues";
            } finally { p.shutdown(); }
        });

        cases.put("producer.sync.adminCreatedTopic", () -> {
            String topic = "JC_ADM_" + S;
            String out = JavaCompat.mqadmin("updateTopic", "-n", JavaCompat.ns, "-c", JavaCompat.clusterName, "-t", topic, "-r", "4", "-w", "4");
            JavaCompat.check(out.contains("success"), "updateTopic said: " + out);
            JavaCompat.waitFor("route", 20_000, () -> { try { return JavaCompat.admin.examineTopicRouteInfo(topic) != null; } catch (Exception e) { return false; } });
            DefaultMQProducer p = JavaCompat.producer("JC_PG_ADM_" + S);
            try {
                Set<Integer> queues = new HashSet<>();
                for (int i = 0; i < 8; i++) {
                    SendResult r = p.send(msg(topic, "TagB", "k" + i, "adm-" + i));
                    JavaCompat.check(r.getSendStatus() == SendStatus.SEND_OK, "status " + r);
                    queues.add(r.getMessageQueue().getQueueId());
                }
                JavaCompat.check(queues.size() == 4, "expected 4 queues used, got " + queues);
                return "8 sent over queues " + queues;
            } finally { p.shutdown(); }
        });

        cases.put("producer.async", () -> {
            String topic = "JC_ASYNC_" + S;
            JavaCompat.createTopic(topic, 4);
            DefaultMQProducer p = JavaCompat.producer("JC_PG_ASYNC_" + S);
            try {
                int n = 20;
                CountDownLatch latch = new CountDownLatch(n);
                List<String> errors = new CopyOnWriteArrayList<>();
                for (int i = 0; i < n; i++) {
                    p.send(msg(topic, "TagA", "a" + i, "async-" + i), new SendCallback() {
                        public void onSuccess(SendResult r) { if (r.getSendStatus() != SendStatus.SEND_OK) errors.add(String.valueOf(r)); latch.countDown(); }
                        public void onException(Throwable e) { errors.add(String.valueOf(e)); latch.countDown(); }
                    });
                }
                JavaCompat.check(latch.await(30, TimeUnit.SECONDS), "callbacks missing: " + latch.getCount());
                JavaCompat.check(errors.isEmpty(), "errors " + errors);
                JavaCompat.waitFor("20 stored", 10_000, () -> JavaCompat.totalMaxOffset(topic) == n);
                return n + " acked and stored";
            } finally { p.shutdown(); }
        });

        cases.put("producer.oneway", () -> {
            String topic = "JC_ONEWAY_" + S;
            JavaCompat.createTopic(topic, 2);
            DefaultMQProducer p = JavaCompat.producer("JC_PG_ONEWAY_" + S);
            try {
                for (int i = 0; i < 5; i++) p.sendOneway(msg(topic, "TagA", "o" + i, "oneway-" + i));
                JavaCompat.waitFor("5 stored", 10_000, () -> JavaCompat.totalMaxOffset(topic) == 5);
                return "5 stored";
            } finally { p.shutdown(); }
        });

        cases.put("producer.batch", () -> {
            String topic = "JC_BATCH_" + S;
            JavaCompat.createTopic(topic, 2);
            DefaultMQProducer p = JavaCompat.producer("JC_PG_BATCH_" + S);
            try {
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) batch.add(msg(topic, "TagA", "b" + i, "batch-" + i));
                SendResult r = p.send(batch);
                JavaCompat.check(r.getSendStatus() == SendStatus.SEND_OK, "status " + r);
                JavaCompat.check(r.getMsgId().split(",").length == 10, "msgIds " + r.getMsgId());
                JavaCompat.check(r.getOffsetMsgId().split(",").length == 10, "offsetMsgIds " + r.getOffsetMsgId());
                JavaCompat.check(r.getQueueOffset() == 0, "queueOffset " + r.getQueueOffset());
                JavaCompat.waitFor("10 stored", 10_000, () -> JavaCompat.totalMaxOffset(topic) == 10);
                // Read them back to check the batch was split into 10 messages with their own keys.
                Map<String, MessageExt> got = pullAll(topic, 10);
                for (int i = 0; i < 10; i++) {
                    MessageExt m = got.get("b" + i);
                    JavaCompat.check(m != null, "missing b" + i + " in " + got.keySet());
                    JavaCompat.check(new String(m.getBody(), UTF_8).equals("batch-" + i), "body " + m);
                    JavaCompat.check("1".equals(m.getUserProperty("jc")), "user property lost " + m);
                }
                return "batch of 10 stored as 10 messages";
            } finally { p.shutdown(); }
        });

        cases.put("producer.orderedSelector", () -> {
            String topic = "JC_ORDER_" + S;
            JavaCompat.createTopic(topic, 4);
            DefaultMQProducer p = JavaCompat.producer("JC_PG_ORDER_" + S);
            try {
                Map<Integer, Set<Integer>> queuesByOrder = new HashMap<>();
                for (int i = 0; i < 20; i++) {
                    int orderId = i % 4;
                    SendResult r = p.send(msg(topic, "TagA", "o" + orderId + "-" + i, "order-" + i),
                        (mqs, m, arg) -> mqs.get((Integer) arg % mqs.size()), orderId);
                    JavaCompat.check(r.getSendStatus() == SendStatus.SEND_OK, "status " + r);
                    queuesByOrder.computeIfAbsent(orderId, k -> new HashSet<>()).add(r.getMessageQueue().getQueueId());
                }
                for (Map.Entry<Integer, Set<Integer>> e : queuesByOrder.entrySet())
                    JavaCompat.check(e.getValue().size() == 1, "order " + e.getKey() + " spread over " + e.getValue());
                return "each order id on one queue: " + queuesByOrder;
            } finally { p.shutdown(); }
        });

        cases.put("consumer.push.clustering2", () -> {
            String topic = "JC_CLU_" + S, group = "JC_CG_CLU_" + S;
            JavaCompat.createTopic(topic, 4);
            Map<String, String> byKey = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> perConsumer = new ConcurrentHashMap<>();
            List<DefaultMQPushConsumer> cs = new ArrayList<>();
            List<String> bad = new CopyOnWriteArrayList<>();
            try {
                for (String inst : new String[] {"c1", "c2"}) {
                    DefaultMQPushConsumer c = JavaCompat.pushConsumer(group, inst + "_" + S, topic, "*", MessageModel.CLUSTERING);
                    perConsumer.put(inst, new AtomicInteger());
                    c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                        for (MessageExt m : msgs) {
                            if (!"TagC".equals(m.getTags()) || !"1".equals(m.getUserProperty("jc"))) bad.add(String.valueOf(m));
                            if (!new String(m.getBody(), UTF_8).equals("clu-" + m.getKeys())) bad.add("body " + m);
                            byKey.put(m.getKeys(), inst);
                            perConsumer.get(inst).incrementAndGet();
                        }
                        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                    });
                    c.start();
                    cs.add(c);
                }
                // Both members must see the other and split the 4 queues 2/2 without overlap.
                try { JavaCompat.waitFor("queues split 2/2", 40_000, () -> {
                    Set<MessageQueue> a = held(cs.get(0), topic), b = held(cs.get(1), topic);
                    Set<MessageQueue> all = new HashSet<>(a); all.addAll(b);
                    return a.size() == 2 && b.size() == 2 && all.size() == 4;
                }); } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + ": c1 holds " + cs.get(0).getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet()
                        + ", c2 holds " + cs.get(1).getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet()
                        + ", group members seen by c1: " + cs.get(0).getDefaultMQPushConsumerImpl().getmQClientFactory().findConsumerIdList(topic, group));
                }
                DefaultMQProducer p = JavaCompat.producer("JC_PG_CLU_" + S);
                try {
                    for (int i = 0; i < 40; i++) p.send(msg(topic, "TagC", "" + i, "clu-" + i));
                } finally { p.shutdown(); }
                JavaCompat.waitFor("40 consumed", 40_000, () -> byKey.size() == 40);
                JavaCompat.check(bad.isEmpty(), "bad messages " + bad);
                JavaCompat.check(perConsumer.get("c1").get() > 0 && perConsumer.get("c2").get() > 0, "split " + perConsumer);
                return "40/40 consumed, queues 2+2, messages split " + perConsumer;
            } finally { for (DefaultMQPushConsumer c : cs) c.shutdown(); }
        });

        cases.put("consumer.push.tagFilter", () -> {
            String topic = "JC_TAGF_" + S, group = "JC_CG_TAGF_" + S;
            JavaCompat.createTopic(topic, 2);
            DefaultMQProducer p = JavaCompat.producer("JC_PG_TAGF_" + S);
            try {
                for (int i = 0; i < 12; i++) p.send(msg(topic, "T" + (i % 3), "t" + i, "tag-" + i));
            } finally { p.shutdown(); }
            Set<String> got = ConcurrentHashMap.newKeySet();
            List<String> wrong = new CopyOnWriteArrayList<>();
            DefaultMQPushConsumer c = JavaCompat.pushConsumer(group, "tf_" + S, topic, "T0 || T2", MessageModel.CLUSTERING);
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) { if ("T1".equals(m.getTags())) wrong.add(m.getKeys()); got.add(m.getKeys()); }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
            try {
                JavaCompat.waitFor("8 T0/T2 messages", 30_000, () -> got.size() >= 8);
                Thread.sleep(1000); // a T1 message delivered late would show here
                JavaCompat.check(wrong.isEmpty(), "T1 delivered: " + wrong);
                JavaCompat.check(got.size() == 8, "got " + got);
                return "8 matching, 0 filtered-out delivered";
            } finally { c.shutdown(); }
        });

        cases.put("consumer.push.broadcasting", () -> {
            String topic = "JC_BC_" + S, group = "JC_CG_BC_" + S;
            JavaCompat.createTopic(topic, 2);
            Map<String, Set<String>> got = new ConcurrentHashMap<>();
            List<DefaultMQPushConsumer> cs = new ArrayList<>();
            try {
                for (String inst : new String[] {"b1", "b2"}) {
                    DefaultMQPushConsumer c = JavaCompat.pushConsumer(group, inst + "_" + S, topic, "*", MessageModel.BROADCASTING);
                    Set<String> mine = ConcurrentHashMap.newKeySet();
                    got.put(inst, mine);
                    c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                        for (MessageExt m : msgs) mine.add(m.getKeys());
                        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                    });
                    c.start();
                    cs.add(c);
                }
                JavaCompat.waitFor("both own all queues", 30_000, () -> cs.stream().allMatch(c -> held(c, topic).size() == 2));
                DefaultMQProducer p = JavaCompat.producer("JC_PG_BC_" + S);
                try { for (int i = 0; i < 10; i++) p.send(msg(topic, "TagA", "bc" + i, "bc-" + i)); } finally { p.shutdown(); }
                JavaCompat.waitFor("each consumer got 10", 30_000, () -> got.values().stream().allMatch(s -> s.size() == 10));
                return "both consumers got 10/10";
            } finally { for (DefaultMQPushConsumer c : cs) c.shutdown(); }
        });

        cases.put("consumer.push.orderly", () -> {
            String topic = "JC_ORDC_" + S, group = "JC_CG_ORDC_" + S;
            JavaCompat.createTopic(topic, 4);
            DefaultMQProducer p = JavaCompat.producer("JC_PG_ORDC_" + S);
            try {
                for (int i = 0; i < 40; i++) {
                    int orderId = i % 4;
                    p.send(msg(topic, "TagA", orderId + ":" + (i / 4), "x"), (mqs, m, arg) -> mqs.get((Integer) arg % mqs.size()), orderId);
                }
            } finally { p.shutdown(); }
            Map<String, List<Integer>> seq = new ConcurrentHashMap<>();
            AtomicInteger n = new AtomicInteger();
            DefaultMQPushConsumer c = JavaCompat.pushConsumer(group, "ord_" + S, topic, "*", MessageModel.CLUSTERING);
            c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
                for (MessageExt m : msgs) {
                    String[] k = m.getKeys().split(":");
                    seq.computeIfAbsent(k[0], x -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(k[1]));
                    n.incrementAndGet();
                }
                return ConsumeOrderlyStatus.SUCCESS;
            });
            c.start();
            try {
                JavaCompat.waitFor("40 consumed", 40_000, () -> n.get() >= 40);
                for (Map.Entry<String, List<Integer>> e : seq.entrySet()) {
                    List<Integer> l = e.getValue();
                    for (int i = 0; i < l.size(); i++) JavaCompat.check(l.get(i) == i, "order " + e.getKey() + " out of order " + l);
                }
                boolean locked = c.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().values().stream().allMatch(pq -> pq.isLocked());
                JavaCompat.check(locked, "process queues not locked on the broker");
                return "4 orders x 10 in sequence, queues locked";
            } finally { c.shutdown(); }
        });

        cases.put("consumer.litePull.subscribe", () -> {
            String topic = "JC_LPS_" + S, group = "JC_CG_LPS_" + S;
            JavaCompat.createTopic(topic, 2);
            DefaultMQProducer p = JavaCompat.producer("JC_PG_LPS_" + S);
            try { for (int i = 0; i < 10; i++) p.send(msg(topic, "TagA", "l" + i, "lp-" + i)); } finally { p.shutdown(); }
            DefaultLitePullConsumer c = new DefaultLitePullConsumer(group);
            c.setNamesrvAddr(JavaCompat.ns);
            c.setInstanceName("lps_" + S);
            c.setConsumeFromWhere(org.apache.rocketmq.common.consumer.ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            c.subscribe(topic, "*");
            c.start();
            try {
                Set<String> got = new HashSet<>();
                long deadline = System.currentTimeMillis() + 30_000;
                while (got.size() < 10 && System.currentTimeMillis() < deadline)
                    for (MessageExt m : c.poll(1000)) got.add(m.getKeys());
                JavaCompat.check(got.size() == 10, "got " + got);
                c.commitSync();
                Set<MessageQueue> mqs = c.assignment();
                long committed = 0;
                for (MessageQueue mq : mqs) committed += Math.max(0, c.committed(mq));
                JavaCompat.check(committed == 10, "committed offsets sum " + committed);
                return "10 polled, committed 10";
            } finally { c.shutdown(); }
        });

        cases.put("consumer.litePull.assign", () -> {
            String topic = "JC_LPA_" + S, group = "JC_CG_LPA_" + S;
            JavaCompat.createTopic(topic, 2);
            DefaultMQProducer p = JavaCompat.producer("JC_PG_LPA_" + S);
            try { for (int i = 0; i < 10; i++) p.send(msg(topic, "TagA", "l" + i, "lp-" + i)); } finally { p.shutdown(); }
            DefaultLitePullConsumer c = new DefaultLitePullConsumer(group);
            c.setNamesrvAddr(JavaCompat.ns);
            c.setInstanceName("lpa_" + S);
            c.start();
            try {
                Collection<MessageQueue> mqs = c.fetchMessageQueues(topic);
                JavaCompat.check(mqs.size() == 2, "queues " + mqs);
                c.assign(mqs);
                for (MessageQueue mq : mqs) c.seekToBegin(mq);
                Set<String> got = new HashSet<>();
                long deadline = System.currentTimeMillis() + 30_000;
                while (got.size() < 10 && System.currentTimeMillis() < deadline)
                    for (MessageExt m : c.poll(1000)) got.add(m.getKeys());
                JavaCompat.check(got.size() == 10, "got " + got);
                // offsetForTimestamp (SEARCH_OFFSET_BY_TIMESTAMP) and seek back to re-read one queue
                MessageQueue first = mqs.iterator().next();
                Long off = c.offsetForTimestamp(first, 0L);
                JavaCompat.check(off != null && off == 0, "offsetForTimestamp(0) = " + off);
                c.seek(first, 0);
                int again = 0;
                deadline = System.currentTimeMillis() + 15_000;
                while (again == 0 && System.currentTimeMillis() < deadline) again += c.poll(1000).size();
                JavaCompat.check(again > 0, "nothing after seek(0)");
                return "10 polled from assigned queues, seek/offsetForTimestamp ok";
            } finally { c.shutdown(); }
        });

        cases.put("consumer.push.retryReconsumeLater", () -> {
            String topic = "JC_RETRY_" + S, group = "JC_CG_RETRY_" + S;
            JavaCompat.createTopic(topic, 2);
            Map<String, List<Integer>> deliveries = new ConcurrentHashMap<>();
            Map<String, String> retryTopicSeen = new ConcurrentHashMap<>();
            DefaultMQPushConsumer c = JavaCompat.pushConsumer(group, "rt_" + S, topic, "*", MessageModel.CLUSTERING);
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) {
                    deliveries.computeIfAbsent(m.getKeys(), k -> new CopyOnWriteArrayList<>()).add(m.getReconsumeTimes());
                    if (m.getReconsumeTimes() > 0) retryTopicSeen.put(m.getKeys(), String.valueOf(m.getProperty("RETRY_TOPIC")) + "/" + m.getTopic());
                }
                return msgs.get(0).getReconsumeTimes() == 0 ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.setConsumeMessageBatchMaxSize(1);
            c.start();
            try {
                DefaultMQProducer p = JavaCompat.producer("JC_PG_RETRY_" + S);
                try { for (int i = 0; i < 3; i++) p.send(msg(topic, "TagA", "r" + i, "retry-" + i)); } finally { p.shutdown(); }
                // first retry is delay level 3 (10s)
                JavaCompat.waitFor("3 messages delivered twice", 60_000, () -> deliveries.size() == 3 && deliveries.values().stream().allMatch(l -> l.size() >= 2));
                for (Map.Entry<String, List<Integer>> e : deliveries.entrySet())
                    JavaCompat.check(e.getValue().get(0) == 0 && e.getValue().get(1) == 1, e.getKey() + " reconsumeTimes " + e.getValue());
                return "redelivered via %RETRY% with reconsumeTimes=1: " + retryTopicSeen.values().iterator().next();
            } finally { c.shutdown(); }
        });

        cases.put("consumer.push.offsetPersistResume", () -> {
            String topic = "JC_RESUME_" + S, group = "JC_CG_RESUME_" + S;
            JavaCompat.createTopic(topic, 2);
            DefaultMQProducer p = JavaCompat.producer("JC_PG_RESUME_" + S);
            try {
                for (int i = 0; i < 10; i++) p.send(msg(topic, "TagA", "first" + i, "x"));
                Set<String> got1 = consumeUntil(group, "rs1_" + S, topic, 10, 30_000);
                JavaCompat.check(got1.size() == 10, "first run got " + got1);
                long stored = JavaCompat.admin.examineConsumeStats(group).getOffsetTable().values().stream().mapToLong(o -> o.getConsumerOffset()).sum();
                JavaCompat.check(stored == 10, "broker-side committed offset sum after shutdown = " + stored);
                for (int i = 0; i < 5; i++) p.send(msg(topic, "TagA", "second" + i, "x"));
            } finally { p.shutdown(); }
            Set<String> got2 = consumeUntil(group, "rs2_" + S, topic, 5, 30_000);
            Thread.sleep(1000);
            for (String k : got2) JavaCompat.check(k.startsWith("second"), "re-delivered after restart: " + got2);
            JavaCompat.check(got2.size() == 5, "second run got " + got2);
            return "offset 10 persisted; restarted consumer got only the 5 new";
        });

        cases.put("producer.delayLevel", () -> {
            String topic = "JC_DELAY_" + S, group = "JC_CG_DELAY_" + S;
            JavaCompat.createTopic(topic, 2);
            Map<String, Long> arrived = new ConcurrentHashMap<>();
            DefaultMQPushConsumer c = JavaCompat.pushConsumer(group, "dl_" + S, topic, "*", MessageModel.CLUSTERING);
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) arrived.put(m.getKeys(), System.currentTimeMillis() - m.getBornTimestamp());
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
            try {
                DefaultMQProducer p = JavaCompat.producer("JC_PG_DELAY_" + S);
                try {
                    Message m = msg(topic, "TagA", "d0", "delayed");
                    m.setDelayTimeLevel(2); // 5s
                    p.send(m);
                } finally { p.shutdown(); }
                JavaCompat.waitFor("delayed message", 40_000, () -> arrived.containsKey("d0"));
                JavaCompat.check(arrived.get("d0") >= 4500, "arrived after " + arrived.get("d0") + "ms");
                return "arrived after " + arrived.get("d0") + "ms (level 2 = 5s)";
            } finally { c.shutdown(); }
        });

        cases.put("producer.transaction", () -> {
            String topic = "JC_TX_" + S;
            JavaCompat.createTopic(topic, 2);
            TransactionMQProducer p = new TransactionMQProducer("JC_PG_TX_" + S);
            p.setNamesrvAddr(JavaCompat.ns);
            p.setInstanceName("tx_" + S);
            Set<String> checked = ConcurrentHashMap.newKeySet();
            p.setTransactionListener(new TransactionListener() {
                public LocalTransactionState executeLocalTransaction(Message m, Object arg) {
                    String k = m.getKeys();
                    if (k.equals("commit")) return LocalTransactionState.COMMIT_MESSAGE;
                    if (k.equals("rollback")) return LocalTransactionState.ROLLBACK_MESSAGE;
                    return LocalTransactionState.UNKNOW;
                }
                public LocalTransactionState checkLocalTransaction(MessageExt m) {
                    checked.add(m.getKeys());
                    return LocalTransactionState.COMMIT_MESSAGE;
                }
            });
            p.start();
            try {
                for (String k : new String[] {"commit", "rollback"}) {
                    TransactionSendResult r = p.sendMessageInTransaction(msg(topic, "TagA", k, "tx-" + k), null);
                    JavaCompat.check(r.getSendStatus() == SendStatus.SEND_OK, "status " + r);
                }
                Map<String, MessageExt> got = pullAll(topic, 1);
                Thread.sleep(1000);
                got = pullAll(topic, 1);
                JavaCompat.check(got.containsKey("commit") && !got.containsKey("rollback"), "visible: " + got.keySet());
                return "committed visible, rolled back not";
            } finally { p.shutdown(); }
        });
    }

    static Set<MessageQueue> held(DefaultMQPushConsumer c, String topic) {
        Set<MessageQueue> r = new HashSet<>();
        for (MessageQueue mq : c.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet())
            if (mq.getTopic().equals(topic)) r.add(mq);
        return r;
    }

    static Set<String> consumeUntil(String group, String inst, String topic, int n, long ms) throws Exception {
        Set<String> got = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer c = JavaCompat.pushConsumer(group, inst, topic, "*", MessageModel.CLUSTERING);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) got.add(m.getKeys());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        try {
            JavaCompat.waitFor(n + " messages", ms, () -> got.size() >= n);
        } finally { c.shutdown(); }
        return got;
    }

    /** Reads every message of a topic from offset 0 with an assigning lite pull consumer (no committed offsets). */
    static Map<String, MessageExt> pullAll(String topic, int atLeast) throws Exception {
        DefaultLitePullConsumer c = new DefaultLitePullConsumer("JC_READER_" + S + "_" + System.nanoTime());
        c.setNamesrvAddr(JavaCompat.ns);
        c.setInstanceName("reader_" + System.nanoTime());
        c.setAutoCommit(false);
        c.start();
        Map<String, MessageExt> got = new HashMap<>();
        try {
            Collection<MessageQueue> mqs = c.fetchMessageQueues(topic);
            c.assign(mqs);
            for (MessageQueue mq : mqs) c.seek(mq, 0);
            long deadline = System.currentTimeMillis() + 15_000;
            long quietUntil = 0;
            while (System.currentTimeMillis() < deadline) {
                List<MessageExt> l = c.poll(500);
                for (MessageExt m : l) got.put(m.getKeys(), m);
                if (!l.isEmpty()) quietUntil = System.currentTimeMillis() + 1000;
                if (got.size() >= atLeast && System.currentTimeMillis() > quietUntil) break;
            }
        } finally { c.shutdown(); }
        return got;
    }
}
