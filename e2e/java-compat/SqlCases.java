// SQL92 filter cases of JavaCompat: Apache RocketMQ 4.9.8's MessageSelector.bySql (push and lite pull consumers)
// against a RocketDeck broker with enablePropertyFilter=true (run.sh sets it).

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

import static java.nio.charset.StandardCharsets.UTF_8;

public class SqlCases {
    static final String S = JavaCompat.S;
    static final int N = 10_000;

    /** Mixed properties of message i: a region (sometimes none), an amount (some decimals, some not numbers), a vip flag. */
    static Map<String, String> props(int i) {
        Map<String, String> p = new java.util.HashMap<>();
        String[] regions = {"eu", "us", "asia", null};
        String region = regions[(i * 7 + i / 13) % 4];
        if (region != null) p.put("region", region);
        int kind = (i * 11) % 20;
        int amount = (i * 37) % 1000;
        p.put("amount", kind == 0 ? "n/a" : kind == 1 ? amount + ".5" : String.valueOf(amount));
        String[] vips = {"true", "false", "TRUE", "yes", null};
        String vip = vips[(i * 3 + i / 7) % 5];
        if (vip != null) p.put("vip", vip);
        return p;
    }

    static boolean isInt(String s) { return s != null && s.matches("[+-]?\\d+"); }
    static boolean isTrue(String s) { return s != null && s.equalsIgnoreCase("true"); }

    static final String PUSH_SQL = "region IN ('eu', 'us') AND amount BETWEEN 100 AND 499 AND vip = TRUE";
    /** What RocketMQ decides for PUSH_SQL, stated without its evaluator (a non-integer amount cannot be compared). */
    static boolean pushMatch(Map<String, String> p) {
        String r = p.get("region"), a = p.get("amount");
        return ("eu".equals(r) || "us".equals(r)) && isInt(a) && Integer.parseInt(a) >= 100 && Integer.parseInt(a) <= 499 && isTrue(p.get("vip"));
    }

    static final String PULL_SQL = "amount >= 990 OR (region = 'us' AND vip = FALSE)";
    static boolean pullMatch(Map<String, String> p) {
        String a = p.get("amount"), v = p.get("vip");
        return isInt(a) && (Integer.parseInt(a) >= 990 || ("us".equals(p.get("region")) && v != null && !isTrue(v)));
    }

    static void produce(String topic, String group) throws Exception {
        DefaultMQProducer p = JavaCompat.producer(group);
        try {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                Message m = new Message(topic, "S", "sql-" + i, ("body-" + i).getBytes(UTF_8));
                for (Map.Entry<String, String> e : props(i).entrySet()) m.putUserProperty(e.getKey(), e.getValue());
                batch.add(m);
                if (batch.size() == 100) { p.send(batch); batch = new ArrayList<>(); }
            }
            if (!batch.isEmpty()) p.send(batch);
        } finally { p.shutdown(); }
    }

    static Set<String> expected(java.util.function.Predicate<Map<String, String>> match) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < N; i++) if (match.test(props(i))) out.add("sql-" + i);
        return out;
    }

    static void register(Map<String, JavaCompat.Case> cases) {
        cases.put("consumer.push.sql92", () -> {
            String topic = "JC_SQL_" + S, group = "JC_CG_SQL_" + S;
            JavaCompat.createTopic(topic, 4);
            Set<String> want = expected(SqlCases::pushMatch);
            Set<String> got = ConcurrentHashMap.newKeySet();
            AtomicInteger deliveries = new AtomicInteger();
            DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
            c.setNamesrvAddr(JavaCompat.ns);
            c.setInstanceName("sql_" + S);
            c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            c.subscribe(topic, MessageSelector.bySql(PUSH_SQL));
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) { got.add(m.getKeys()); deliveries.incrementAndGet(); }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
            try {
                // sent after the consumer subscribed: the broker's filter bits decide most of them
                produce(topic, "JC_PG_SQL_" + S);
                JavaCompat.waitFor(want.size() + " matching of " + N, 60_000, () -> got.size() >= want.size());
                Thread.sleep(2000); // a non-matching message delivered late would show here
                Set<String> extra = new HashSet<>(got); extra.removeAll(want);
                JavaCompat.check(extra.isEmpty(), "not matching but delivered: " + extra.size() + " e.g. " + extra.stream().limit(5).toList());
                JavaCompat.check(got.equals(want), "got " + got.size() + " of " + want.size());
                return want.size() + " of " + N + " matching received exactly (" + deliveries.get() + " deliveries)";
            } finally { c.shutdown(); }
        });

        cases.put("consumer.litePull.sql92", () -> {
            String topic = "JC_SQLP_" + S, group = "JC_CG_SQLP_" + S;
            JavaCompat.createTopic(topic, 4);
            produce(topic, "JC_PG_SQLP_" + S);
            Set<String> want = expected(SqlCases::pullMatch);
            Set<String> got = new HashSet<>();
            int deliveries = 0;
            DefaultLitePullConsumer c = new DefaultLitePullConsumer(group);
            c.setNamesrvAddr(JavaCompat.ns);
            c.setInstanceName("sqlp_" + S);
            c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            c.subscribe(topic, MessageSelector.bySql(PULL_SQL));
            c.start();
            try {
                long deadline = System.currentTimeMillis() + 60_000;
                int emptyAfterAll = 0;
                while (System.currentTimeMillis() < deadline && emptyAfterAll < 3) {
                    List<MessageExt> msgs = c.poll(1000);
                    for (MessageExt m : msgs) { got.add(m.getKeys()); deliveries++; }
                    if (got.size() >= want.size() && msgs.isEmpty()) emptyAfterAll++;
                }
                Set<String> extra = new HashSet<>(got); extra.removeAll(want);
                JavaCompat.check(extra.isEmpty(), "not matching but delivered: " + extra.size() + " e.g. " + extra.stream().limit(5).toList());
                JavaCompat.check(got.equals(want), "got " + got.size() + " of " + want.size());
                return want.size() + " of " + N + " matching received exactly (" + deliveries + " deliveries)";
            } finally { c.shutdown(); }
        });

        cases.put("consumer.push.sql92.invalid", () -> {
            String topic = "JC_SQLX_" + S;
            JavaCompat.createTopic(topic, 1);
            DefaultMQPushConsumer c = new DefaultMQPushConsumer("JC_CG_SQLX_" + S);
            c.setNamesrvAddr(JavaCompat.ns);
            c.setInstanceName("sqlx_" + S);
            c.subscribe(topic, MessageSelector.bySql("a > AND b = 1"));
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            try {
                c.start();
                c.shutdown();
                throw new AssertionError("start() took an expression that does not compile");
            } catch (MQClientException e) {
                // 4.9.8's checkClientInBroker throws the broker's answer as it is: code 23 with the reason
                MQClientException answer = e.getResponseCode() == 23 ? e
                    : e.getCause() instanceof MQClientException ? (MQClientException) e.getCause() : e;
                JavaCompat.check(answer.getResponseCode() == 23, "expected SUBSCRIPTION_PARSE_FAILED (23), got " + JavaCompat.describe(e));
                JavaCompat.check(answer.getErrorMessage().contains("line 1, column 5"), "no position in " + answer.getErrorMessage());
                return "start() refused: code 23, " + answer.getErrorMessage();
            }
        });
    }
}
