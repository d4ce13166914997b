package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.testing.Receiver;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The check at delivery: the sender resolves the receiver's host each time, refuses when it resolves
 * to a metadata address, and connects to the address it checked, not to a second lookup's answer.
 */
class ReceiverDeliveryTest {
    @Test
    void aNameThatLaterResolvesToAMetadataAddressIsRefusedAtDelivery() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            int port = URI.create(receiver.url()).getPort();
            AtomicInteger lookups = new AtomicInteger();
            // A DNS server that answers loopback first (the subscription passes) and then the metadata address.
            ReceiverGuard guard = new ReceiverGuard(true, host -> new InetAddress[] {InetAddress.getByName(
                    lookups.getAndIncrement() == 0 ? "127.0.0.1" : "169.254.169.254")});
            String url = "http://rebinding.test:" + port + "/hook";
            assertThat(guard.problem(url)).isNull();
            try (WebhookSender sender = new WebhookSender(Duration.ofSeconds(2), guard)) {
                WebhookSender.Result result = sender.post(url, "application/json", "{}", Map.of());
                assertThat(result.outcome()).isEqualTo(WebhookSender.FAILED);
                assertThat(result.error()).contains("link-local").doesNotContain("rebinding.test");
            }
            assertThat(receiver.requests()).isEmpty();
        }
    }

    @Test
    void theConnectionGoesToTheCheckedAddressAndTheHostHeaderKeepsTheName() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            int port = URI.create(receiver.url()).getPort();
            // No real DNS knows this name: only a connection to the checked address can reach the receiver.
            ReceiverGuard guard = new ReceiverGuard(true, host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});
            try (WebhookSender sender = new WebhookSender(Duration.ofSeconds(2), guard)) {
                WebhookSender.Result result = sender.post("http://receiver.invalid:" + port + "/hook?x=1",
                        "application/cloudevents+json", "{\"id\":\"1\"}", Map.of("webhook-id", "msg_1"));
                assertThat(result.outcome()).isEqualTo(WebhookSender.DELIVERED);
                assertThat(result.statusCode()).isEqualTo(204);
            }
            Receiver.Request request = receiver.requests().getFirst();
            assertThat(request.header("host")).isEqualTo("receiver.invalid:" + port);
            assertThat(request.header("webhook-id")).isEqualTo("msg_1");
            assertThat(request.header("content-type")).isEqualTo("application/cloudevents+json");
            assertThat(request.body()).isEqualTo("{\"id\":\"1\"}");
        }
    }

    @Test
    void aRefusingReceiversStatusAndTheStartOfItsAnswerAreKept() throws Exception {
        try (Receiver receiver = Receiver.start()) {
            receiver.behave(request -> Receiver.Answer.status(503));
            try (WebhookSender sender = new WebhookSender(Duration.ofSeconds(2), new ReceiverGuard(true))) {
                WebhookSender.Result result = sender.post(receiver.url(), "application/json", "{}", Map.of());
                assertThat(result.outcome()).isEqualTo(WebhookSender.FAILED);
                assertThat(result.statusCode()).isEqualTo(503);
                assertThat(result.error()).startsWith("HTTP 503");
            }
        }
    }

    @Test
    void withoutPrivateNetworksALoopbackReceiverIsRefusedAtDelivery() throws Exception {
        try (Receiver receiver = Receiver.start();
                WebhookSender sender = new WebhookSender(Duration.ofSeconds(2), new ReceiverGuard(false))) {
            WebhookSender.Result result = sender.post(receiver.url(), "application/json", "{}", Map.of());
            assertThat(result.error()).contains("loopback");
            assertThat(receiver.requests()).isEmpty();
        }
    }
}
