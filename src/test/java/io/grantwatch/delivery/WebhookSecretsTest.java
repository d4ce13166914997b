package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.testing.Receiver;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSecretsTest {
    /** The example of the Standard Webhooks specification. */
    @Test
    void signsTheSpecificationsExample() {
        String signature = WebhookSecrets.signatureHeader(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void generatedSecretsHoldThirtyTwoRandomBytes() {
        String secret = WebhookSecrets.generate();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(WebhookSecrets.isValid(secret)).isTrue();
        assertThat(WebhookSecrets.generate()).isNotEqualTo(secret);
    }

    @Test
    void onlyWellFormedSecretsAreValid() {
        assertThat(WebhookSecrets.isValid(null)).isFalse();
        assertThat(WebhookSecrets.isValid("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).isFalse();
        assertThat(WebhookSecrets.isValid("whsec_not base64!")).isFalse();
        assertThat(WebhookSecrets.isValid("whsec_" + Base64.getEncoder().encodeToString(new byte[16]))).isFalse();
        assertThat(WebhookSecrets.isValid("whsec_" + Base64.getEncoder().encodeToString(new byte[24]))).isTrue();
    }

    @Test
    void theReferenceVerifierAcceptsEitherSecretDuringARotation() {
        String current = WebhookSecrets.generate();
        String previous = WebhookSecrets.generate();
        String body = "{\"specversion\":\"1.0\",\"id\":\"7\",\"data\":{\"name\":\"Ünïcödé & <b>\"}}";
        long now = Instant.now().getEpochSecond();
        String header = WebhookSecrets.signatureHeader(List.of(current, previous), "msg_3_7", now, body);
        assertThat(header.split(" ")).hasSize(2);
        Receiver.Request request = new Receiver.Request(Instant.now(),
                Map.of("webhook-id", "msg_3_7", "webhook-timestamp", String.valueOf(now), "webhook-signature", header), body);
        Receiver.Request tampered = new Receiver.Request(Instant.now(), request.headers(), body.replace("7", "8"));

        assertThat(StandardWebhooksVerifier.verify(current, List.of(request, tampered))).containsExactly("ok",
                "refused: No matching signature found");
        assertThat(StandardWebhooksVerifier.verify(previous, List.of(request))).containsExactly("ok");
        assertThat(StandardWebhooksVerifier.verify(WebhookSecrets.generate(), List.of(request)))
                .allMatch(line -> line.startsWith("refused"));
    }
}
