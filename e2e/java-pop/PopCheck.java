// Apache RocketMQ 5.x Java clients against a RocketDeck broker in POP mode: mqadmin setConsumeMode switches the group
// to POP (SET_MESSAGE_REQUEST_MODE), a DefaultMQPushConsumer with broker-side rebalance (QUERY_ASSIGNMENT) then pops;
// one message in ten fails once and must come again (CHANGE_MESSAGE_INVISIBLETIME, revive, retry topic).
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

public class PopCheck {
    public static void main(String[] args) throws Exception {
        String ns = args[0];
        String topic = args[1];
        String group = args[2];
        int n = Integer.parseInt(args[3]);
        Map<String, Integer> got = new ConcurrentHashMap<>();
        AtomicInteger popped = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(ns);
        consumer.setClientRebalance(false);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String body = new String(m.getBody());
                if (m.getProperty("POP_CK") != null) popped.incrementAndGet();
                got.merge(body, 1, Integer::sum);
                if (body.endsWith("-fail") && m.getReconsumeTimes() == 0) return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
            int twice = (int) got.entrySet().stream().filter(e -> e.getKey().endsWith("-fail") && e.getValue() >= 2).count();
            if (got.size() >= n && twice >= n / 10) done.countDown();
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        DefaultMQProducer producer = new DefaultMQProducer("pop_check_producer");
        producer.setNamesrvAddr(ns);
        producer.start();
        for (int i = 0; i < n; i++) {
            String body = "pop-" + i + (i % 10 == 0 ? "-fail" : "");
            SendResult r = producer.send(new Message(topic, body.getBytes()));
            if (r.getSendStatus() != SendStatus.SEND_OK) throw new IllegalStateException("send " + r);
        }
        boolean ok = done.await(args.length > 4 ? Integer.parseInt(args[4]) : 120, TimeUnit.SECONDS);
        Thread.sleep(3000);
        int failed = (int) got.keySet().stream().filter(b -> b.endsWith("-fail")).count();
        int twice = (int) got.entrySet().stream().filter(e -> e.getKey().endsWith("-fail") && e.getValue() >= 2).count();
        int extra = (int) got.entrySet().stream().filter(e -> !e.getKey().endsWith("-fail") && e.getValue() > 1).count();
        System.out.printf("received %d of %d distinct, popped with POP_CK %d, failed-once %d redelivered %d, others twice %d%n",
            got.size(), n, popped.get(), failed, twice, extra);
        producer.shutdown();
        consumer.shutdown();
        boolean pass = ok && got.size() == n && popped.get() >= n && twice == failed;
        System.out.println(pass ? "POP CHECK PASSED" : "POP CHECK FAILED");
        System.exit(pass ? 0 : 1);
    }
}
