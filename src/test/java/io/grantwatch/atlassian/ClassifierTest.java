package io.grantwatch.atlassian;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.core.Resource;
import io.grantwatch.core.Site;
import io.grantwatch.core.Sites;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClassifierTest {
    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));
    static final String JIRA_SITE = "1324a887-45db-1bf4-1e99-ef0ff456d421";

    static byte[] fixture(String name) {
        try (InputStream in = ClassifierTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static CheckResult check(int status, String body) {
        return Classifier.accessibleResources(status, JSON, utf8(body), NOW);
    }

    static CheckResult.Transient transientCheck(CheckResult result) {
        assertThat(result).isInstanceOf(CheckResult.Transient.class);
        return (CheckResult.Transient) result;
    }

    static Sites sites(CheckResult result) {
        assertThat(result).isInstanceOf(CheckResult.Valid.class);
        return ((CheckResult.Valid) result).sites();
    }

    @Nested
    class ValidAnswers {
        @Test
        void oneJiraSiteWithEscapedSlashes() {
            Sites sites = sites(Classifier.accessibleResources(200, JSON, fixture("accessible-resources-jira.json"), NOW));

            assertThat(sites.list()).containsExactly(new Site(
                    JIRA_SITE,
                    "Site name",
                    "https://your-domain.atlassian.net",
                    List.of("manage:jira-configuration", "read:jira-user", "write:jira-work"),
                    "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png"));
        }

        @Test
        void entriesOfOneSiteMergeIntoOneWithTheUnionOfScopes() {
            Sites sites = sites(Classifier.accessibleResources(200, JSON, fixture("accessible-resources-multi-product.json"), NOW));

            assertThat(sites.list()).singleElement().satisfies(site -> {
                assertThat(site.cloudId()).isEqualTo(JIRA_SITE);
                assertThat(site.scopes()).containsExactly(
                        "manage:confluence-configuration", "manage:jira-configuration", "read:confluence-content.all",
                        "read:jira-user", "read:servicedesk-request", "write:confluence-content", "write:jira-work");
            });
        }

        @Test
        void twoSitesSortedByCloudId() {
            Sites sites = sites(Classifier.accessibleResources(200, JSON, fixture("accessible-resources-two-sites.json"), NOW));

            assertThat(sites.list()).extracting(Site::name).containsExactly("first-proj", "second-proj");
            assertThat(sites.find("ebc887b2-7e61-4059-ab35-71f15cc16e12").orElseThrow().scopes())
                    .containsExactly("read:jira-user", "read:jira-work");
        }

        @Test
        void anEmptyListIsAValidAnswerWithNoSite() {
            assertThat(sites(check(200, "[]"))).isEqualTo(Sites.EMPTY);
        }

        @Test
        void unknownFieldsAndMissingOptionalFieldsAreFine() {
            Sites sites = sites(check(200, """
                    [{"id": "a", "scopes": ["read:me"], "name": null, "products": ["jira"], "extra": {"x": 1}}]"""));

            assertThat(sites.list()).containsExactly(new Site("a", null, null, List.of("read:me"), null));
        }

        @Test
        void reorderedAnswersNormalizeToTheSameHash() {
            Sites one = sites(check(200, """
                    [{"id":"a","scopes":["x","y"]},{"id":"b","scopes":["z"]},{"id":"a","scopes":["w"]}]"""));
            Sites other = sites(check(200, """
                    [{"id":"b","scopes":["z"]},{"id":"a","scopes":["w","y"]},{"id":"a","scopes":["x"]}]"""));

            assertThat(other).isEqualTo(one);
            assertThat(other.hash()).isEqualTo(one.hash());
        }

        @Test
        void theContentTypeHeaderDoesNotMatterForJson() {
            assertThat(Classifier.accessibleResources(200, Map.of(), utf8("[]"), NOW)).isInstanceOf(CheckResult.Valid.class);
        }
    }

    @Nested
    class WrongShapes {
        @ParameterizedTest
        @ValueSource(strings = {
            "{\"values\": []}",
            "null",
            "\"text\"",
            "42",
            "[1]",
            "[[]]",
            "[{\"scopes\": []}]",
            "[{\"id\": 7, \"scopes\": []}]",
            "[{\"id\": \"\", \"scopes\": []}]",
            "[{\"id\": \"  \", \"scopes\": []}]",
            "[{\"id\": \"a\"}]",
            "[{\"id\": \"a\", \"scopes\": \"read:me\"}]",
            "[{\"id\": \"a\", \"scopes\": [\"read:me\", 3]}]",
            "[{\"id\": \"a\", \"scopes\": [null]}]",
            "[{\"id\": \"a\", \"scopes\": [], \"name\": 5}]",
            "[{\"id\": \"a\", \"scopes\": [], \"url\": {}}]",
            "[{\"id\": \"a\", \"scopes\": [], \"avatarUrl\": []}]",
            "[{\"id\": \"a\", \"scopes\": []}, {\"id\": [\"b\"], \"scopes\": []}]"
        })
        void areUnexpectedShape(String body) {
            assertThat(transientCheck(check(200, body)).reason()).isEqualTo("unexpected_shape");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "[{\"id\": \"a\", \"scopes\": [", "[] []", "[]x", "{'id': 'a'}", "[NaN]"})
        void unparseableJsonIsMalformed(String body) {
            CheckResult.Transient result = transientCheck(check(200, body));

            assertThat(result.reason()).isEqualTo("malformed_json");
            assertThat(result.retryAfter()).isNull();
        }

        @Test
        void invalidUtf8IsMalformed() {
            byte[] body = {'[', '"', (byte) 0xC3, (byte) 0x28, '"', ']'};

            assertThat(transientCheck(Classifier.accessibleResources(200, JSON, body, NOW)).reason()).isEqualTo("malformed_json");
        }

        @Test
        void aNullBodyIsMalformed() {
            assertThat(transientCheck(Classifier.accessibleResources(200, null, null, NOW)).reason()).isEqualTo("malformed_json");
        }
    }

    @Nested
    class Html {
        static final String PAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";

        @ParameterizedTest
        @ValueSource(ints = {200, 403, 404, 429, 500, 502, 503})
        void byContentTypeIsAnHtmlAnswerWhateverTheStatus(int status) {
            Map<String, List<String>> headers = Map.of("content-type", List.of("text/html; charset=utf-8"));

            assertThat(transientCheck(Classifier.accessibleResources(status, headers, utf8(PAGE), NOW)).reason())
                    .isEqualTo("html_answer");
        }

        @Test
        void byTheBodyAloneEvenWithLeadingWhitespaceOrAJsonContentType() {
            assertThat(transientCheck(check(200, "\n  <!DOCTYPE html>" + PAGE)).reason()).isEqualTo("html_answer");
            assertThat(transientCheck(Classifier.accessibleResources(502, Map.of(), utf8(PAGE), NOW)).reason())
                    .isEqualTo("html_answer");
        }

        @Test
        void a401InHtmlIsStillARefusedToken() {
            Map<String, List<String>> headers = Map.of("Content-Type", List.of("text/html"));

            assertThat(Classifier.accessibleResources(401, headers, utf8(PAGE), NOW)).isEqualTo(new CheckResult.TokenRefused(401));
        }

        @Test
        void theDetailDoesNotQuoteThePage() {
            assertThat(transientCheck(check(502, PAGE)).detail()).doesNotContain("nginx").contains("502");
        }
    }

    @Nested
    class RefusedTokens {
        @Test
        void a401IsARefusedTokenWhateverTheBody() {
            assertThat(Classifier.accessibleResources(401, JSON, fixture("accessible-resources-unauthorized.json"), NOW))
                    .isEqualTo(new CheckResult.TokenRefused(401));
            assertThat(check(401, "")).isEqualTo(new CheckResult.TokenRefused(401));
            assertThat(check(401, "[]")).isEqualTo(new CheckResult.TokenRefused(401));
        }

        @Test
        void a403WithAJsonBodyIsARefusedToken() {
            assertThat(check(403, "{\"code\":403,\"message\":\"Forbidden\"}")).isEqualTo(new CheckResult.TokenRefused(403));
        }

        @Test
        void a403WithoutJsonSaysNothingAboutTheToken() {
            assertThat(transientCheck(check(403, "")).reason()).isEqualTo("unexpected_status");
            assertThat(transientCheck(check(403, "Forbidden")).reason()).isEqualTo("unexpected_status");
        }
    }

    @Nested
    class RateLimits {
        static CheckResult.Transient limited(Map<String, List<String>> headers) {
            CheckResult.Transient result = transientCheck(Classifier.accessibleResources(429, headers, utf8("{}"), NOW));
            assertThat(result.reason()).isEqualTo("rate_limited");
            return result;
        }

        @Test
        void retryAfterInSeconds() {
            assertThat(limited(Map.of("Retry-After", List.of("30"))).retryAfter()).isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        void headerNamesIgnoreCase() {
            assertThat(limited(Map.of("retry-after", List.of(" 12 "))).retryAfter()).isEqualTo(Duration.ofSeconds(12));
            assertThat(limited(Map.of("X-RATELIMIT-RESET", List.of("2025-03-01T12:01:00Z"))).retryAfter())
                    .isEqualTo(Duration.ofMinutes(1));
        }

        @Test
        void retryAfterAsAnHttpDate() {
            assertThat(limited(Map.of("Retry-After", List.of("Sat, 1 Mar 2025 12:00:45 GMT"))).retryAfter())
                    .isEqualTo(Duration.ofSeconds(45));
        }

        @Test
        void resetAsAnIsoInstantWithAtlassiansMinutePrecision() {
            assertThat(limited(Map.of("X-RateLimit-Reset", List.of("2025-03-01T12:05Z"))).retryAfter())
                    .isEqualTo(Duration.ofMinutes(5));
        }

        @Test
        void resetAsEpochSeconds() {
            long epoch = NOW.plusSeconds(90).getEpochSecond();

            assertThat(limited(Map.of("X-RateLimit-Reset", List.of(Long.toString(epoch)))).retryAfter())
                    .isEqualTo(Duration.ofSeconds(90));
        }

        @Test
        void betaVariants() {
            assertThat(limited(Map.of("Beta-Retry-After", List.of("8"))).retryAfter()).isEqualTo(Duration.ofSeconds(8));
            assertThat(limited(Map.of("Beta-X-RateLimit-Reset", List.of("2025-03-01T12:00:20Z"))).retryAfter())
                    .isEqualTo(Duration.ofSeconds(20));
        }

        @Test
        void retryAfterWinsOverReset() {
            Map<String, List<String>> headers = Map.of(
                    "X-RateLimit-Reset", List.of("2025-03-01T13:00:00Z"), "Retry-After", List.of("5"));

            assertThat(limited(headers).retryAfter()).isEqualTo(Duration.ofSeconds(5));
        }

        @Test
        void aResetInThePastMeansNoWait() {
            assertThat(limited(Map.of("X-RateLimit-Reset", List.of("2025-03-01T11:00:00Z"))).retryAfter()).isEqualTo(Duration.ZERO);
        }

        @Test
        void withoutAUsableHeaderThereIsNoRetryAfter() {
            assertThat(limited(Map.of()).retryAfter()).isNull();
            assertThat(limited(Map.of("Retry-After", List.of("soon"), "X-RateLimit-Reset", List.of("-1"))).retryAfter())
                    .isNull();
        }
    }

    @Nested
    class OtherStatuses {
        @ParameterizedTest
        @ValueSource(ints = {500, 502, 503, 504, 599})
        void fiveHundredsAreServerErrors(int status) {
            CheckResult.Transient result = transientCheck(check(status, "{\"code\":" + status + "}"));

            assertThat(result.reason()).isEqualTo("server_error");
            assertThat(result.detail()).isEqualTo("HTTP " + status + " from accessible-resources");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 100, 201, 204, 301, 302, 400, 404, 409, 600, -1})
        void anythingElseIsAnUnexpectedStatus(int status) {
            assertThat(transientCheck(check(status, "[]")).reason()).isEqualTo("unexpected_status");
        }
    }

    @Nested
    class Refresh {
        static RefreshResult refresh(int status, String body) {
            return Classifier.refresh(status, JSON, utf8(body), NOW);
        }

        static String transientReason(RefreshResult result) {
            assertThat(result).isInstanceOf(RefreshResult.Transient.class);
            return ((RefreshResult.Transient) result).reason();
        }

        @Test
        void newTokens() {
            RefreshResult result = Classifier.refresh(200, JSON, fixture("token-refresh-ok.json"), NOW);

            assertThat(result).isEqualTo(new RefreshResult.Refreshed(
                    "eyJraWQiOi...opaque", "v1.Mn...opaque", Duration.ofHours(1), "read:jira-work write:jira-work offline_access"));
            assertThat(result.toString()).doesNotContain("opaque");
        }

        @Test
        void anAnswerWithoutARefreshTokenKeepsTheOldOne() {
            RefreshResult result = refresh(200, "{\"access_token\":\"at\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");

            assertThat(result).isEqualTo(new RefreshResult.Refreshed("at", null, Duration.ofHours(1), null));
        }

        @ParameterizedTest
        @ValueSource(ints = {400, 401, 403})
        void invalidGrant(int status) {
            RefreshResult result = Classifier.refresh(status, JSON, fixture("token-refresh-invalid-grant.json"), NOW);

            assertThat(result).isEqualTo(new RefreshResult.InvalidGrant(
                    "invalid_grant (HTTP " + status + "): Unknown or invalid refresh token."));
        }

        @Test
        void aDescriptionThatCouldHoldATokenIsNotQuoted() {
            RefreshResult result = refresh(403, """
                    {"error":"invalid_grant","error_description":"token v1.MnQ0ZjY1YjUtNDk2Zi00ZTA2 is unknown"}""");

            assertThat(result).isEqualTo(new RefreshResult.InvalidGrant("invalid_grant (HTTP 403)"));
        }

        @Test
        void otherErrorsAreTransientAndNameTheErrorCodeOnly() {
            RefreshResult result = refresh(401, "{\"error\":\"access_denied\",\"error_description\":\"Unauthorized\"}");

            assertThat(result).isEqualTo(new RefreshResult.Transient(
                    "unexpected_status", "HTTP 401 from the token endpoint: access_denied", null));
            assertThat(transientReason(refresh(400, "{\"error\":\"invalid_request\"}"))).isEqualTo("unexpected_status");
            assertThat(transientReason(refresh(404, "not found"))).isEqualTo("unexpected_status");
        }

        @Test
        void invalidGrantOnAnotherStatusIsNotTrusted() {
            assertThat(transientReason(refresh(500, "{\"error\":\"invalid_grant\"}"))).isEqualTo("server_error");
        }

        @Test
        void rateLimitsServerErrorsAndHtml() {
            RefreshResult limited = Classifier.refresh(429, Map.of("Retry-After", List.of("3")), utf8(""), NOW);

            assertThat(limited).isEqualTo(new RefreshResult.Transient(
                    "rate_limited", "HTTP 429 from the token endpoint", Duration.ofSeconds(3)));
            assertThat(transientReason(refresh(503, "{}"))).isEqualTo("server_error");
            assertThat(transientReason(refresh(502, "<html>bad gateway</html>"))).isEqualTo("html_answer");
            assertThat(transientReason(refresh(401, "<html>login</html>"))).isEqualTo("html_answer");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "[]",
            "{}",
            "{\"access_token\":\"\",\"expires_in\":3600}",
            "{\"access_token\":5,\"expires_in\":3600}",
            "{\"access_token\":\"at\"}",
            "{\"access_token\":\"at\",\"expires_in\":\"3600\"}",
            "{\"access_token\":\"at\",\"expires_in\":0}",
            "{\"access_token\":\"at\",\"expires_in\":1.5}",
            "{\"access_token\":\"at\",\"expires_in\":3600,\"refresh_token\":7}",
            "{\"access_token\":\"at\",\"expires_in\":3600,\"scope\":[\"a\"]}"
        })
        void wrongShapes(String body) {
            assertThat(transientReason(refresh(200, body))).isEqualTo("unexpected_shape");
        }

        @Test
        void unparseableJson() {
            assertThat(transientReason(refresh(200, "{\"access_token\":\"at\""))).isEqualTo("malformed_json");
            assertThat(transientReason(refresh(200, ""))).isEqualTo("malformed_json");
        }

        @Test
        void aResourceListIsNoRefreshAnswer() {
            assertThat(refresh(200, "[]")).isNotInstanceOf(RefreshResult.Refreshed.class);
            assertThat(Classifier.accessibleResources(200, JSON, fixture("token-refresh-ok.json"), NOW))
                    .isNotInstanceOf(CheckResult.Valid.class);
        }
    }

    @Test
    void theDetailNeverQuotesTheBody() {
        String secret = "sim-at-0123456789abcdef";
        List<String> bodies = List.of(
                "[{\"id\": \"" + secret + "\"}]", "{\"token\": \"" + secret + "\"}", secret, "[\"" + secret);

        for (int status : new int[] {200, 403, 404, 429, 500}) {
            for (String body : bodies) {
                assertThat(check(status, body).toString()).doesNotContain(secret);
                assertThat(Classifier.refresh(status, JSON, utf8(body), NOW).toString()).doesNotContain(secret);
            }
        }
    }

    @Test
    void resourcesKeepTheirFieldsBeforeNormalization() throws Exception {
        List<Resource> resources = AnswerShapes.resources(AnswerShapes.parse(fixture("accessible-resources-multi-product.json")));

        assertThat(resources).hasSize(3).extracting(Resource::id).containsOnly(JIRA_SITE);
    }

    // Properties sit at the top level: jqwik does not look inside JUnit's @Nested classes.

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Map<String, List<String>> NO_HEADERS = Map.of();

    @Property
    void neverThrowsOnArbitraryBytes(@ForAll byte[] body, @ForAll int status, @ForAll("headers") Map<String, List<String>> headers) {
        assertThat(Classifier.accessibleResources(status, headers, body, NOW)).isNotNull();
        assertThat(Classifier.refresh(status, headers, body, NOW)).isNotNull();
    }

    @Property
    void neverThrowsOnJsonLikeText(@ForAll("jsonLike") String body, @ForAll("statuses") int status) {
        assertThat(Classifier.accessibleResources(status, JSON, utf8(body), NOW)).isNotNull();
        assertThat(Classifier.refresh(status, JSON, utf8(body), NOW)).isNotNull();
    }

    @Property
    void aWellFormedAnswerIsValid(@ForAll("answers") List<Map<String, Object>> answer) {
        assertThat(Classifier.accessibleResources(200, NO_HEADERS, json(answer), NOW)).isInstanceOf(CheckResult.Valid.class);
    }

    @Property
    void aTruncatedAnswerIsNeverValid(@ForAll("answers") List<Map<String, Object>> answer, @ForAll @IntRange(min = 1) int cut) {
        byte[] body = json(answer);
        byte[] truncated = Arrays.copyOf(body, cut % body.length);

        assertThat(Classifier.accessibleResources(200, NO_HEADERS, truncated, NOW)).isNotInstanceOf(CheckResult.Valid.class);
    }

    @Property
    void aFieldOfTheWrongTypeIsNeverValid(
            @ForAll("answers") List<Map<String, Object>> answer,
            @ForAll @IntRange(min = 0, max = 1000) int entry,
            @ForAll("wrongFields") Map.Entry<String, Object> wrongField) {
        List<Map<String, Object>> broken = new ArrayList<>(answer);
        broken.add(resource("extra", List.of("read:me")));
        int index = entry % broken.size();
        Map<String, Object> corrupted = new LinkedHashMap<>(broken.get(index));
        corrupted.put(wrongField.getKey(), wrongField.getValue());
        broken.set(index, corrupted);

        assertThat(Classifier.accessibleResources(200, NO_HEADERS, json(broken), NOW)).isNotInstanceOf(CheckResult.Valid.class);
    }

    @Property
    void aValidBodyWithAnotherStatusIsNeverValid(
            @ForAll("answers") List<Map<String, Object>> answer, @ForAll("statuses") int status) {
        CheckResult result = Classifier.accessibleResources(status, NO_HEADERS, json(answer), NOW);

        assertThat(result instanceof CheckResult.Valid).isEqualTo(status == 200);
    }

    @Property
    void aBodyThatIsNoJsonArrayIsNeverValid(@ForAll("jsonLike") String text) {
        String body = text.strip();
        if (body.startsWith("[")) {
            body = "{" + body;
        }
        assertThat(Classifier.accessibleResources(200, NO_HEADERS, utf8(body), NOW)).isNotInstanceOf(CheckResult.Valid.class);
    }

    @Provide
    Arbitrary<Map<String, List<String>>> headers() {
        Arbitrary<String> names = Arbitraries.of(
                "Retry-After", "retry-after", "Beta-Retry-After", "X-RateLimit-Reset", "Content-Type", "X-Other");
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("text/html", "application/json", "2025-03-01T12:05Z", "Sat, 1 Mar 2025 12:00:45 GMT"));
        return Arbitraries.maps(names, values.list().ofMaxSize(2)).ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> jsonLike() {
        return Arbitraries.strings().withChars("[]{}\",:0123456789.-eEtrufalsnid <>/\\ \n").ofMaxLength(80);
    }

    @Provide
    Arbitrary<Integer> statuses() {
        return Arbitraries.oneOf(Arbitraries.of(200, 401, 403, 429, 500, 502, 503), Arbitraries.integers().between(-1, 1000));
    }

    @Provide
    Arbitrary<List<Map<String, Object>>> answers() {
        Arbitrary<String> ids = Arbitraries.of("a", "b", "c", JIRA_SITE);
        Arbitrary<List<String>> scopes = Arbitraries.of("read:jira-work", "write:jira-work", "read:confluence-content.all", "read:me")
                .list().ofMaxSize(4);
        return Combinators.combine(ids, scopes).as(ClassifierTest::resource).list().ofMaxSize(5);
    }

    @Provide
    Arbitrary<Map.Entry<String, Object>> wrongFields() {
        Arbitrary<Object> notAString = Arbitraries.of(42, 1.5, true, List.of("x"), Map.of("k", "v"));
        Arbitrary<Object> notScopes = Arbitraries.of(42, true, "read:me", Map.of("k", "v"), List.of("read:me", 5), List.of(List.of()));
        return Arbitraries.of("id", "name", "url", "avatarUrl", "scopes").flatMap(field -> (field.equals("scopes") ? notScopes : notAString)
                .map(value -> Map.entry(field, value)));
    }

    static Map<String, Object> resource(String id, List<String> scopes) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("id", id);
        resource.put("name", "site " + id);
        resource.put("url", "https://" + id + ".atlassian.net");
        resource.put("scopes", scopes);
        resource.put("avatarUrl", "https://avatars.example/" + id + ".png");
        return resource;
    }

    static byte[] json(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
