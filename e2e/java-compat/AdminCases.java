// mqadmin cases of JavaCompat: Apache RocketMQ 4.9.8's MQAdminStartup run in-process, output checked by pattern.
// A live producer and push consumer stay up meanwhile so connection/status commands have someone to report.

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.protocol.heartbeat.MessageModel;

import static java.nio.charset.StandardCharsets.UTF_8;

public class AdminCases {
    static final String S = JavaCompat.S;
    static final String TOPIC = "JC_LIVE_" + S, PG = "JC_PG_LIVE_" + S, CG = "JC_CG_LIVE_" + S;
    static final String KEY = "livekey_" + S;
    static DefaultMQProducer producer;
    static DefaultMQPushConsumer consumer;
    static SendResult keyed;
    static final Map<String, Boolean> consumed = new ConcurrentHashMap<>();

    static void shutdownLive() {
        if (consumer != null) consumer.shutdown();
        if (producer != null) producer.shutdown();
    }

    /** Runs mqadmin; fails if the output shows an exception/error or misses the expected pattern. */
    static String expect(String regex, String... args) {
        String[] full = new String[args.length + 2];
        full[0] = args[0];
        full[1] = "-n";
        full[2] = JavaCompat.ns;
        System.arraycopy(args, 1, full, 3, args.length - 1);
        String out = JavaCompat.mqadmin(full);
        String oneLine = out.replaceAll("\\s+", " ").trim();
        if (Pattern.compile("\\w+(Exception|Error): |\\n\\s+at [a-z]\\w*\\.|command (execute )?failed").matcher(out).find()
            && !regex.equals("(?s).*")) {
            if (System.getenv("JC_VERBOSE") != null) System.out.println(out);
            throw new AssertionError("mqadmin " + String.join(" ", args) + " => " + clip(oneLine));
        }
        if (!Pattern.compile(regex, Pattern.DOTALL).matcher(out).find())
            throw new AssertionError("mqadmin " + String.join(" ", args) + " missing /" + regex + "/ => " + clip(oneLine));
        return clip(oneLine);
    }

    static String clip(String s) { return s.length() > 300 ? s.substring(0, 300) + "..." : s; }

    static void register(Map<String, JavaCompat.Case> cases) {
        String b = "-b";
        cases.put("admin.setup(liveProducerConsumer)", () -> {
            JavaCompat.createTopic(TOPIC, 4);
            producer = JavaCompat.producer(PG);
            for (int i = 0; i < 20; i++) {
                SendResult r = producer.send(new Message(TOPIC, "TagA", i == 7 ? KEY : "k" + i, ("live-" + i).getBytes(UTF_8)));
                if (i == 7) keyed = r;
            }
            consumer = JavaCompat.pushConsumer(CG, "live_" + S, TOPIC, "*", MessageModel.CLUSTERING);
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) consumed.put(m.getKeys(), true);
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            JavaCompat.waitFor("live consumer caught up", 30_000, () -> consumed.size() == 20);
            // the consumer persists offsets every 5s; wait until the broker has them
            JavaCompat.waitFor("offsets on broker", 20_000, () -> {
                try { return JavaCompat.admin.examineConsumeStats(CG).computeTotalDiff() == 0; } catch (Exception e) { return false; }
            });
            return "topic " + TOPIC + ", 20 sent and consumed, keyed msg " + keyed.getMsgId();
        });

        String ba = "BROKER";
        cases.put("admin.clusterList", () -> expect("DefaultCluster\\s+" + JavaCompat.brokerName + "\\s+0\\s+" + Pattern.quote(JavaCompat.brokerAddr), "clusterList"));
        cases.put("admin.clusterList.moreStats", () -> expect(JavaCompat.brokerName, "clusterList", "-m"));
        cases.put("admin.topicList", () -> expect(TOPIC, "topicList"));
        cases.put("admin.topicList.cluster", () -> expect("DefaultCluster\\s+" + TOPIC, "topicList", "-c"));
        cases.put("admin.topicRoute", () -> expect("\"brokerName\"\\s*:\\s*\"" + JavaCompat.brokerName + "\".*\"readQueueNums\"\\s*:\\s*4", "topicRoute", "-t", TOPIC));
        cases.put("admin.topicStatus", () -> expect(JavaCompat.brokerName + "\\s+3\\s+\\d+\\s+\\d+", "topicStatus", "-t", TOPIC));
        cases.put("admin.topicClusterList", () -> expect("DefaultCluster", "topicClusterList", "-t", TOPIC));
        cases.put("admin.updateTopic", () -> expect("create topic to .* success", "updateTopic", "-c", JavaCompat.clusterName, "-t", "JC_TMP_" + S, "-r", "2", "-w", "2"));
        cases.put("admin.updateTopicPerm", () -> expect("update topic perm from 6 to 4 in .* success", "updateTopicPerm", "-c", JavaCompat.clusterName, "-t", "JC_TMP_" + S, "-p", "4"));
        cases.put("admin.updateOrderConf", () -> expect("update orderConf success", "updateOrderConf", "-t", "JC_TMP_" + S, "-v", JavaCompat.brokerName + ":2", "-m", "put"));
        cases.put("admin.updateOrderConf.get", () -> expect(JavaCompat.brokerName + ":2", "updateOrderConf", "-t", "JC_TMP_" + S, "-m", "get"));
        cases.put("admin.deleteTopic", () -> {
            String r = expect("delete topic \\[JC_TMP_" + S + "\\] from cluster \\[DefaultCluster\\] success", "deleteTopic", "-c", JavaCompat.clusterName, "-t", "JC_TMP_" + S);
            JavaCompat.waitFor("topic gone from topicList", 10_000, () -> !JavaCompat.mqadmin("topicList", "-n", JavaCompat.ns).contains("JC_TMP_" + S));
            return r;
        });
        cases.put("admin.updateSubGroup", () -> expect("create subscription group to .* success", "updateSubGroup", "-c", JavaCompat.clusterName, "-g", "JC_GTMP_" + S, "-r", "5"));
        cases.put("admin.getConsumerConfig", () -> expect("retryMaxTimes\\s+=\\s+5", "getConsumerConfig", "-g", "JC_GTMP_" + S));
        cases.put("admin.deleteSubGroup", () -> expect("delete subscription group \\[JC_GTMP_" + S + "\\] from broker", "deleteSubGroup", "-c", JavaCompat.clusterName, "-g", "JC_GTMP_" + S));
        cases.put("admin.consumerProgress.group", () -> expect(TOPIC + "\\s+" + JavaCompat.brokerName + "\\s+\\d\\s+\\d+\\s+\\d+.*Diff Total: 0", "consumerProgress", "-g", CG));
        cases.put("admin.consumerProgress.all", () -> expect(CG + "\\s+", "consumerProgress"));
        cases.put("admin.consumerConnection", () -> expect("live_" + S + ".*" + TOPIC + "\\s+\\*.*ConsumeType: CONSUME_PASSIVELY.*MessageModel: CLUSTERING", "consumerConnection", "-g", CG));
        cases.put("admin.consumerStatus", () -> expect("live_" + S, "consumerStatus", "-g", CG));
        cases.put("admin.consumerStatus.detail", () -> {
            String out = JavaCompat.mqadmin("consumerConnection", "-n", JavaCompat.ns, "-g", CG);
            java.util.regex.Matcher m = Pattern.compile("\\s(\\S+@live_" + S + ")\\s").matcher(out);
            if (!m.find()) throw new AssertionError("no client id in " + clip(out));
            return expect("#Consumer Subscription|#Consumer Offset|MessageQueue", "consumerStatus", "-g", CG, "-i", m.group(1));
        });
        cases.put("admin.producerConnection", () -> expect(PG + ".*" + "V4_9_8", "producerConnection", "-g", PG, "-t", TOPIC));
        cases.put("admin.producer", () -> expect("producer group \\(" + PG + "\\) instance : clientId=[^,]+@" + PG + ",remoteIP=/127\\.0\\.0\\.1:\\d+, language=JAVA, version=\\d+, lastUpdateTimestamp=\\d+", "producer", "-b", JavaCompat.brokerAddr));
        cases.put("admin.brokerStatus", () -> expect("brokerVersionDesc\\s+:\\s+V4_9_8", "brokerStatus", b, JavaCompat.brokerAddr));
        cases.put("admin.getBrokerConfig", () -> expect("brokerName\\s+=\\s+" + JavaCompat.brokerName, "getBrokerConfig", b, JavaCompat.brokerAddr));
        cases.put("admin.getBrokerConfig.cluster", () -> expect("brokerClusterName\\s+=\\s+DefaultCluster", "getBrokerConfig", "-c", JavaCompat.clusterName));
        cases.put("admin.updateBrokerConfig", () -> {
            String r = expect("update broker config success", "updateBrokerConfig", b, JavaCompat.brokerAddr, "-k", "maxMessageSize", "-v", "4194303");
            expect("maxMessageSize\\s+=\\s+4194303", "getBrokerConfig", b, JavaCompat.brokerAddr);
            expect("update broker config success", "updateBrokerConfig", b, JavaCompat.brokerAddr, "-k", "maxMessageSize", "-v", "4194304");
            return r;
        });
        cases.put("admin.queryMsgById", () -> expect("Topic:\\s+" + TOPIC + ".*Keys:\\s+\\[?" + KEY + ".*Message Body Path", "queryMsgById", "-i", keyed.getOffsetMsgId()));
        cases.put("admin.queryMsgByKey", () -> expect(keyed.getMsgId(), "queryMsgByKey", "-t", TOPIC, "-k", KEY));
        cases.put("admin.queryMsgByUniqueKey", () -> expect("Keys:\\s+\\[" + KEY + "\\]", "queryMsgByUniqueKey", "-t", TOPIC, "-i", keyed.getMsgId()));
        cases.put("admin.queryMsgByOffset", () -> expect("Keys:\\s+\\[" + KEY + "\\]", "queryMsgByOffset", "-t", TOPIC, "-b", JavaCompat.brokerName,
            "-i", "" + keyed.getMessageQueue().getQueueId(), "-o", "" + keyed.getQueueOffset()));
        cases.put("admin.queryCq", () -> expect("\"cqUnitsTotal\"|cqUnit|tagsCode|queueOffset", "queryCq", "-t", TOPIC, "-q", "0", "-i", "0", "-c", "5"));
        cases.put("admin.printMsg", () -> expect("MSGID:.*BODY: live-", "printMsg", "-t", TOPIC, "-d", "true"));
        cases.put("admin.printMsgByQueue", () -> expect("MSGID:", "printMsgByQueue", "-t", TOPIC, "-a", JavaCompat.brokerName, "-i", "0", "-p", "true"));
        cases.put("admin.sendMessage", () -> expect("SEND_OK", "sendMessage", "-t", TOPIC, "-p", "hello-from-mqadmin", "-k", "mqadminkey"));
        cases.put("admin.consumeMessage", () -> expect("Consume ok|MSGID|live-", "consumeMessage", "-t", TOPIC, "-b", JavaCompat.brokerName, "-i", "0", "-o", "0", "-c", "2"));
        cases.put("admin.checkMsgSendRT", () -> expect("#Broker Name.*" + JavaCompat.brokerName + "\\s+\\d\\s+true", "checkMsgSendRT", "-t", TOPIC, "-a", "3", "-s", "64"));
        cases.put("admin.sendMsgStatus", () -> expect("rt:|SEND_OK|sendStatus", "sendMsgStatus", "-b", JavaCompat.brokerName, "-c", "3", "-s", "64"));
        cases.put("admin.statsAll", () -> expect(TOPIC + "\\s+" + CG, "statsAll"));
        cases.put("admin.statsAll.topic", () -> expect(TOPIC, "statsAll", "-t", TOPIC));
        cases.put("admin.brokerConsumeStats", () -> expect(TOPIC + "\\s+" + CG + ".*Diff Total", "brokerConsumeStats", "-b", JavaCompat.brokerAddr));
        cases.put("admin.allocateMQ", () -> expect("\"result\"", "allocateMQ", "-t", TOPIC, "-i", "10.0.0.1,10.0.0.2"));
        cases.put("admin.resetOffsetByTime", () -> {
            // reset the live (online) group to the beginning: the broker asks the client to reset, all 20 come again
            consumed.clear();
            String r = expect("#brokerName\\s+#queueId\\s+#offset\\s+" + JavaCompat.brokerName + "\\s+\\d\\s+0", "resetOffsetByTime", "-g", CG, "-t", TOPIC, "-s", "0");
            JavaCompat.waitFor("live consumer re-reads after reset", 30_000, () -> consumed.containsKey(KEY));
            return r;
        });
        cases.put("admin.cloneGroupOffset", () -> expect("clone group offset success", "cloneGroupOffset", "-s", CG, "-d", "JC_CLONE_" + S, "-t", TOPIC));
        // offline group (offsets cloned above, nobody online): Apache's broker says CONSUMER_NOT_ONLINE and mqadmin falls
        // back to moving offsets itself (#resetOffset table); RocketDeck's broker moves the stored offsets directly
        cases.put("admin.resetOffsetByTime.offline", () -> expect("#resetOffset|#brokerName\\s+#queueId\\s+#offset\\s+" + JavaCompat.brokerName + "\\s+\\d\\s+\\d+", "resetOffsetByTime", "-g", "JC_CLONE_" + S, "-t", TOPIC, "-s", "now"));
        cases.put("admin.skipAccumulatedMessage", () -> expect("#brokerName\\s+#queueId\\s+#offset\\s+" + JavaCompat.brokerName + "\\s+\\d\\s+\\d+", "skipAccumulatedMessage", "-g", CG, "-t", TOPIC));
        cases.put("admin.getNamesrvConfig", () -> expect("listenPort|kvConfigPath", "getNamesrvConfig"));
        cases.put("admin.updateNamesrvConfig", () -> expect("update name server config success", "updateNamesrvConfig", "-k", "orderMessageEnable", "-v", "false"));
        cases.put("admin.updateKvConfig", () -> expect("create or update kv config to namespace success", "updateKvConfig", "-s", "JC_NS", "-k", "k1", "-v", "v1"));
        cases.put("admin.deleteKvConfig", () -> expect("delete kv config from namespace success", "deleteKvConfig", "-s", "JC_NS", "-k", "k1"));
        cases.put("admin.wipeWritePerm", () -> expect("wipe write perm of broker\\[" + JavaCompat.brokerName + "\\] in name server\\[.*\\] OK, \\d+", "wipeWritePerm", "-b", JavaCompat.brokerName));
        cases.put("admin.addWritePerm", () -> expect("add write perm of broker\\[" + JavaCompat.brokerName + "\\] in name server\\[.*\\] OK, \\d+", "addWritePerm", "-b", JavaCompat.brokerName));
        cases.put("admin.cleanExpiredCQ", () -> expect("success", "cleanExpiredCQ", "-c", JavaCompat.clusterName));
        cases.put("admin.deleteExpiredCommitLog", () -> expect("success", "deleteExpiredCommitLog", "-c", JavaCompat.clusterName));
        cases.put("admin.cleanUnusedTopic", () -> expect("success", "cleanUnusedTopic", "-c", JavaCompat.clusterName));
        cases.put("admin.exportMetadata", () -> expect("export .* success", "exportMetadata", "-c", JavaCompat.clusterName, "-f", "export-" + S));
        cases.put("admin.exportConfigs", () -> expect("export .* success", "exportConfigs", "-c", JavaCompat.clusterName, "-f", "export-" + S));
        cases.put("admin.exportMetrics", () -> expect("export .* success", "exportMetrics", "-c", JavaCompat.clusterName, "-f", "export-" + S));
    }
}
