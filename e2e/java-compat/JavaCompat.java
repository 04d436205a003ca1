// Runs real Apache RocketMQ 4.9.8 Java clients and mqadmin against a nameserver (RocketDeck's or Apache's)
// and prints one "RESULT <case> OK|FAIL <detail>" line per case; exits 1 if any case failed.
// Usage: java JavaCompat NAMESRV_ADDR [case-prefix ...]

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

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
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.admin.TopicStatsTable;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.heartbeat.MessageModel;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apache.rocketmq.tools.command.MQAdminStartup;

public class JavaCompat {
    static String ns;
    static final String S = Long.toString(System.currentTimeMillis() % 10_000_000L, 36);
    static final Map<String, String> results = new LinkedHashMap<>();
    static DefaultMQAdminExt admin;
    static String brokerAddr;
    static String brokerName;
    static String clusterName;

    interface Case { String run() throws Exception; }

    public static void main(String[] args) throws Exception {
        ns = args[0];
        System.setProperty("rocketmq.namesrv.addr", ns);
        List<String> only = new ArrayList<>();
        for (int i = 1; i < args.length; i++) only.add(args[i]);

        trapExit();
        admin = new DefaultMQAdminExt("javacompat_admin_" + S);
        admin.setNamesrvAddr(ns);
        admin.start();
        ClusterInfo ci = admin.examineBrokerClusterInfo();
        BrokerData bd = ci.getBrokerAddrTable().values().iterator().next();
        brokerName = bd.getBrokerName();
        brokerAddr = bd.selectBrokerAddr();
        clusterName = bd.getCluster();
        System.out.println("broker " + brokerName + " at " + brokerAddr + " in " + clusterName);

        Map<String, Case> cases = new LinkedHashMap<>();
        ClientCases.register(cases);
        AdminCases.register(cases);
        SqlCases.register(cases);

        ExecutorService ex = Executors.newCachedThreadPool(r -> { Thread t = new Thread(r, "case"); t.setDaemon(true); return t; });
        for (Map.Entry<String, Case> e : cases.entrySet()) {
            String name = e.getKey();
            // the admin cases need the live producer/consumer that admin.setup starts
            boolean wanted = only.isEmpty() || only.stream().anyMatch(name::startsWith)
                || (name.startsWith("admin.setup") && only.stream().anyMatch(o -> o.startsWith("admin")));
            if (!wanted) continue;
            long t0 = System.currentTimeMillis();
            Future<String> f = ex.submit(() -> e.getValue().run());
            String line;
            try {
                String detail = f.get(90, TimeUnit.SECONDS);
                line = "OK " + (detail == null ? "" : detail);
            } catch (java.util.concurrent.TimeoutException te) {
                f.cancel(true);
                line = "FAIL timeout after 90s";
            } catch (java.util.concurrent.ExecutionException ee) {
                Throwable c = ee.getCause();
                line = "FAIL " + describe(c);
            }
            results.put(name, line);
            System.out.println("RESULT " + name + " " + line.replace('\n', ' ') + " (" + (System.currentTimeMillis() - t0) + "ms)");
        }
        AdminCases.shutdownLive();
        admin.shutdown();
        int failed = 0;
        for (Map.Entry<String, String> r : results.entrySet()) if (r.getValue().startsWith("FAIL")) failed++;
        System.out.println("SUMMARY " + (results.size() - failed) + " ok, " + failed + " failed");
        exiting = true;
        System.exit(failed == 0 ? 0 : 1);
    }

    static String describe(Throwable c) {
        StringBuilder sb = new StringBuilder(String.valueOf(c));
        Throwable cause = c.getCause();
        while (cause != null && cause != c) { sb.append(" <- ").append(cause); c = cause; cause = c.getCause(); }
        return sb.toString();
    }

    // ---- helpers shared by the case classes ----

    static void waitFor(String what, long ms, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    static void check(boolean cond, String msg) { if (!cond) throw new AssertionError(msg); }

    static void createTopic(String topic, int queues) throws Exception {
        TopicConfig tc = new TopicConfig(topic, queues, queues, 6);
        admin.createAndUpdateTopicConfig(brokerAddr, tc);
        waitFor("route of " + topic, 20_000, () -> {
            try { return !admin.examineTopicRouteInfo(topic).getQueueDatas().isEmpty(); } catch (Exception e) { return false; }
        });
    }

    static long totalMaxOffset(String topic) {
        try {
            TopicStatsTable t = admin.examineTopicStats(topic);
            return t.getOffsetTable().values().stream().mapToLong(o -> o.getMaxOffset()).sum();
        } catch (Exception e) { return -1; }
    }

    static DefaultMQProducer producer(String group) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer(group);
        p.setNamesrvAddr(ns);
        p.setInstanceName(group);
        p.start();
        return p;
    }

    static DefaultMQPushConsumer pushConsumer(String group, String instance, String topic, String expr, MessageModel model) throws Exception {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        c.setNamesrvAddr(ns);
        c.setInstanceName(instance);
        c.setMessageModel(model);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.subscribe(topic, expr);
        return c;
    }

    static class ExitTrapped extends SecurityException {
        final int status;
        ExitTrapped(int status) { super("System.exit(" + status + ")"); this.status = status; }
    }

    /** mqadmin calls System.exit on a bad command line; keep the JVM (needs -Djava.security.manager=allow). */
    @SuppressWarnings("removal")
    static void trapExit() {
        System.setSecurityManager(new SecurityManager() {
            @Override public void checkPermission(java.security.Permission p) {}
            @Override public void checkPermission(java.security.Permission p, Object ctx) {}
            @Override public void checkExit(int status) { if (!exiting) throw new ExitTrapped(status); }
        });
    }
    static volatile boolean exiting = false;

    /** Runs one mqadmin command in this JVM and returns what it printed (stdout + stderr). */
    static synchronized String mqadmin(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream cap = new PrintStream(buf, true);
        System.setOut(cap);
        System.setErr(cap);
        try {
            MQAdminStartup.main0(args, null);
        } catch (ExitTrapped e) {
            cap.println("mqadmin exited with status " + e.status + " (command line rejected?)");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String(buf.toByteArray(), StandardCharsets.UTF_8);
    }
}
