// Apache RocketMQ 4.9.8's producer and push consumer with message trace on (enableMsgTrace) against a RocketDeck
// broker, for trace.sh: sends a "good" message (consumed) and a "bad" one (failed until it reaches the DLQ) through the
// default trace topic, and one more through a custom trace topic; prints "SENT <kind> <msgId>" lines, "CONSUMED" once
// the good message was consumed and the bad one failed twice, and stays online (its trace records go out every
// 500 ms) until its stdin closes.
// Usage: java TraceCompat NAMESRV_ADDR TOPIC GROUP CUSTOM_TRACE_TOPIC

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

public class TraceCompat {
    public static void main(String[] args) throws Exception {
        String ns = args[0], topic = args[1], group = args[2], customTrace = args[3];
        CountDownLatch goodDone = new CountDownLatch(1);
        CountDownLatch badAttempts = new CountDownLatch(2);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group, true);
        consumer.setNamesrvAddr(ns);
        consumer.setInstanceName("trace-c-" + ProcessHandle.current().pid());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setMaxReconsumeTimes(1);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            String body = new String(msgs.get(0).getBody(), StandardCharsets.UTF_8);
            if (body.startsWith("bad")) {
                badAttempts.countDown();
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
            goodDone.countDown();
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        DefaultMQProducer producer = new DefaultMQProducer(group + "-pg", true);
        producer.setNamesrvAddr(ns);
        producer.setInstanceName("trace-p-" + ProcessHandle.current().pid());
        producer.start();
        DefaultMQProducer custom = new DefaultMQProducer(group + "-custom-pg", null, true, customTrace);
        custom.setNamesrvAddr(ns);
        custom.setInstanceName("trace-p2-" + ProcessHandle.current().pid());
        custom.start();

        Message good = new Message(topic, "order", "java-good-key", "good".getBytes(StandardCharsets.UTF_8));
        SendResult g = producer.send(good);
        System.out.println("SENT good " + g.getMsgId());
        SendResult b = producer.send(new Message(topic, "order", "java-bad-key", "bad".getBytes(StandardCharsets.UTF_8)));
        System.out.println("SENT bad " + b.getMsgId());
        SendResult c = custom.send(new Message(topic, "custom", "java-custom-key", "good custom".getBytes(StandardCharsets.UTF_8)));
        System.out.println("SENT custom " + c.getMsgId());
        System.out.flush();

        boolean ok = goodDone.await(60, TimeUnit.SECONDS) && badAttempts.await(90, TimeUnit.SECONDS);
        System.out.println(ok ? "CONSUMED" : "FAIL not consumed in time");
        System.out.flush();
        if (!ok) System.exit(1);
        while (System.in.read() != -1) { /* online until stdin closes */ }
        custom.shutdown();
        producer.shutdown();
        consumer.shutdown();
    }
}
