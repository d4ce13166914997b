package io.grantwatch.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.access.AccessGate.Decision;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AccessGateTest {
    private static final ApiKeys KEYS = ApiKeys.of(List.of(
            new ApiKeys.Spec("dashboard", "read-key", List.of("read")),
            new ApiKeys.Spec("backend", ApiKeys.hashed("backend-key"), List.of("read", "write", "tokens")),
            new ApiKeys.Spec("ops", "ops-key", List.of("admin"))), null);
    private final AccessGate gate = new AccessGate(KEYS);

    @ParameterizedTest(name = "{0} asking for {1}: {2}")
    @CsvSource({
            "read-key,    READ,   allowed",
            "read-key,    WRITE,  forbidden",
            "read-key,    TOKENS, forbidden",
            "read-key,    ADMIN,  forbidden",
            "backend-key, READ,   allowed",
            "backend-key, WRITE,  allowed",
            "backend-key, TOKENS, allowed",
            "backend-key, ADMIN,  forbidden",
            "ops-key,     READ,   allowed",
            "ops-key,     WRITE,  allowed",
            "ops-key,     TOKENS, allowed",
            "ops-key,     ADMIN,  allowed",
            "wrong-key,   READ,   unauthenticated",
    })
    void eachRoleOpensWhatItNamesAndAdminOpensEverything(String key, Role needed, String expected) {
        Decision decision = gate.decide("Bearer " + key, needed);
        assertThat(switch (decision) {
            case Decision.Allowed allowed -> "allowed";
            case Decision.Forbidden forbidden -> "forbidden";
            case Decision.Unauthenticated unauthenticated -> "unauthenticated";
        }).isEqualTo(expected);
    }

    @Test
    void theCallerIsNamedByItsKeyWhetherGivenPlainOrHashed() {
        assertThat(gate.decide("Bearer backend-key", Role.TOKENS))
                .isEqualTo(new Decision.Allowed(new Caller("backend", EnumSet.of(Role.READ, Role.WRITE, Role.TOKENS))));
        assertThat(gate.decide("bearer   read-key ", Role.READ)).isInstanceOf(Decision.Allowed.class);
    }

    @Test
    void aMissingMalformedOrPartialKeyIsUnauthenticated() {
        for (String header : new String[] {null, "", "Bearer", "Bearer ", "Basic cmVhZC1rZXk=", "read-key", "Bearer read-ke",
                "Bearer read-key2", "Bearer " + ApiKeys.hashed("backend-key")}) {
            assertThat(gate.decide(header, Role.READ)).as(String.valueOf(header)).isInstanceOf(Decision.Unauthenticated.class);
        }
    }

    @Test
    void withoutKeysTheApiIsOpenAsBefore() {
        AccessGate open = new AccessGate(ApiKeys.none());
        assertThat(open.decide(null, Role.ADMIN)).isEqualTo(new Decision.Allowed(AccessGate.ANONYMOUS));
        assertThat(open.keysConfigured()).isFalse();
    }

    @Test
    void theSingleApiKeyIsOneKeyWithEveryRole() {
        AccessGate single = new AccessGate(ApiKeys.of(List.of(), "the-old-key"));
        for (Role role : Role.values()) {
            assertThat(single.decide("Bearer the-old-key", role))
                    .isEqualTo(new Decision.Allowed(new Caller(ApiKeys.SINGLE_KEY_NAME, EnumSet.allOf(Role.class))));
        }
        assertThat(single.decide("Bearer other", Role.READ)).isInstanceOf(Decision.Unauthenticated.class);
    }

    @Test
    void badKeySpecsAreRefusedNamingTheEntryAndNeverTheKey() {
        assertRefused(new ApiKeys.Spec("a", "sha256:abc", List.of("read")), "http.apiKeys[0].key");
        assertRefused(new ApiKeys.Spec("a", "secret key", List.of("read")), "http.apiKeys[0].key");
        assertRefused(new ApiKeys.Spec("a", "k", List.of()), "http.apiKeys[0].roles");
        assertRefused(new ApiKeys.Spec("a", "k", List.of("reader")), "http.apiKeys[0].roles");
        assertRefused(new ApiKeys.Spec("", "k", List.of("read")), "http.apiKeys[0].name");
        assertRefused(new ApiKeys.Spec("a b", "k", List.of("read")), "http.apiKeys[0].name");
        assertThatThrownBy(() -> ApiKeys.of(List.of(new ApiKeys.Spec("a", "k1", List.of("read")),
                new ApiKeys.Spec("a", "k2", List.of("read"))), null)).hasMessageContaining("http.apiKeys[1].name");
        assertThatThrownBy(() -> ApiKeys.of(List.of(new ApiKeys.Spec("a", "same", List.of("read")),
                new ApiKeys.Spec("b", ApiKeys.hashed("same"), List.of("admin"))), null))
                .hasMessageContaining("same key").hasMessageNotContaining("same,");
    }

    private static void assertRefused(ApiKeys.Spec spec, String naming) {
        assertThatThrownBy(() -> ApiKeys.of(List.of(spec), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(naming)
                .satisfies(e -> {
                    if (spec.key().length() > 2) {
                        assertThat(e.getMessage()).doesNotContain(spec.key());
                    }
                });
    }
}
