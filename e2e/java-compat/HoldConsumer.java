// A real Apache RocketMQ 4.9.8 push consumer kept online for running-info.sh: sends a few messages, consumes them,
// prints "READY <clientId>" and stays online until its stdin closes, so RocketDeck's admin client and console can ask
// it for its running info (GET_CONSUMER_RUNNING_INFO, with jstackEnable).
// Usage: java HoldConsumer NAMESRV_ADDR TOPIC GROUP

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

public class HoldConsumer {
    public static void main(String[] args) throws Exception {
        String ns = args[0], topic = args[1], group = args[2];
        int n = 20;
        CountDownLatch consumed = new CountDownLatch(n);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(ns);
        consumer.setInstanceName("hold-" + ProcessHandle.current().pid());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> consumed.countDown());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        DefaultMQProducer producer = new DefaultMQProducer(group + "-pg");
        producer.setNamesrvAddr(ns);
        producer.setInstanceName("hold-p-" + ProcessHandle.current().pid());
        producer.start();
        for (int i = 0; i < n; i++) producer.send(new Message(topic, ("hold " + i).getBytes(StandardCharsets.UTF_8)));
        if (!consumed.await(60, TimeUnit.SECONDS)) {
            System.out.println("FAIL consumed " + (n - consumed.getCount()) + " of " + n);
            System.exit(1);
        }
        System.out.println("READY " + consumer.getDefaultMQPushConsumerImpl().getmQClientFactory().getClientId());
        System.out.flush();
        while (System.in.read() != -1) { /* online until stdin closes */ }
        producer.shutdown();
        consumer.shutdown();
    }
}
