// Apache RocketMQ 4.9.8's Java client with its ACL hook (AclClientRPCHook) against a RocketDeck broker with access
// control on. Run by acl-run.sh. Prints one "RESULT <case> OK|FAIL <detail>" line per case; exits 1 on any FAIL.
// Usage: AclCompat NAMESRV TOPIC ACCESS_KEY SECRET_KEY [v1]   (v1: the broker runs ACL 1.0, plain_acl.yml)

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

public class AclCompat {
    static int failures = 0;

    static void result(String name, boolean ok, String detail) {
        System.out.println("RESULT " + name + " " + (ok ? "OK" : "FAIL") + " " + detail);
        if (!ok) failures++;
    }

    public static void main(String[] args) throws Exception {
        String ns = args[0], topic = args[1], ak = args[2], sk = args[3];
        boolean v1 = args.length > 4 && "v1".equals(args[4]);
        // 5.x answers NO_PERMISSION with its message; 4.9 answers SYSTEM_ERROR with the AclException.
        int refusedCode = v1 ? 1 : 16;
        String refusedText = v1 ? "Check signature failed for accessKey=" + ak : "check signature failed";

        DefaultMQProducer good = new DefaultMQProducer("acl_java_p", new AclClientRPCHook(new SessionCredentials(ak, sk)));
        good.setNamesrvAddr(ns);
        good.setInstanceName("acl-good");
        good.start();
        int sent = 0;
        try {
            for (int i = 0; i < 3; i++) {
                SendResult r = good.send(new Message(topic, "TagA", ("java-acl-" + i).getBytes(StandardCharsets.UTF_8)));
                if (r.getSendStatus() == SendStatus.SEND_OK) sent++;
            }
            result((v1 ? "acl1." : "acl2.") + "producer.signed", sent == 3, "sent " + sent + "/3 with AclClientRPCHook");
        } catch (Exception e) {
            result((v1 ? "acl1." : "acl2.") + "producer.signed", false, e.toString());
        } finally {
            good.shutdown();
        }

        DefaultMQProducer bad = new DefaultMQProducer("acl_java_bad", new AclClientRPCHook(new SessionCredentials(ak, "wrong-" + sk)));
        bad.setNamesrvAddr(ns);
        bad.setInstanceName("acl-bad");
        bad.setRetryTimesWhenSendFailed(0);
        bad.start();
        try {
            bad.send(new Message(topic, "TagA", "nope".getBytes(StandardCharsets.UTF_8)));
            result((v1 ? "acl1." : "acl2.") + "producer.wrong-secret", false, "send was accepted");
        } catch (Exception e) {
            // The producer wraps the broker's answer in an MQClientException once its retries are spent.
            Throwable t = e;
            while (t != null && !(t instanceof MQBrokerException)) t = t.getCause();
            if (t == null) {
                result((v1 ? "acl1." : "acl2.") + "producer.wrong-secret", false, e.toString());
            } else {
                MQBrokerException b = (MQBrokerException) t;
                result((v1 ? "acl1." : "acl2.") + "producer.wrong-secret", b.getResponseCode() == refusedCode && String.valueOf(b.getErrorMessage()).contains(refusedText),
                    "code=" + b.getResponseCode() + " remark=" + b.getErrorMessage());
            }
        } finally {
            bad.shutdown();
        }

        Set<String> got = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("acl_java_c", new AclClientRPCHook(new SessionCredentials(ak, sk)), new AllocateMessageQueueAveragely());
        consumer.setNamesrvAddr(ns);
        consumer.setInstanceName("acl-consumer");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (List<MessageExt> msgs, org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext ctx) -> {
            for (MessageExt m : msgs) got.add(new String(m.getBody(), StandardCharsets.UTF_8));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(40);
        while (System.currentTimeMillis() < deadline && !(got.contains("java-acl-0") && got.contains("java-acl-1") && got.contains("java-acl-2"))) {
            Thread.sleep(200);
        }
        consumer.shutdown();
        result((v1 ? "acl1." : "acl2.") + "consumer.signed", got.contains("java-acl-0") && got.contains("java-acl-1") && got.contains("java-acl-2"), "got " + got);

        System.exit(failures == 0 ? 0 : 1);
    }
}
