package io.grantwatch.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyPathTest {
    static final String CLOUD_ID = "1324a887-45db-1bf4-1e99-ef0ff456d421";
    static final String PREFIX = "/v1/grants/7/proxy/ex/jira/" + CLOUD_ID + "/";

    @Test
    void aPlainPathIsKeptAsReceived() {
        ProxyPath.Target target = ProxyPath.parse(PREFIX + "rest/api/3/search/jql");
        assertThat(target.product()).isEqualTo("jira");
        assertThat(target.cloudId()).isEqualTo(CLOUD_ID);
        assertThat(target.apiPath()).isEqualTo("/ex/jira/" + CLOUD_ID + "/rest/api/3/search/jql");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "rest/api/3/issue/ABC-1",
            "rest/api/3/project/",
            "wiki/download/attachments/123/a%20file%3Bname.pdf",
            "rest/api/3/user/search;jsessionid=1",
            "wiki/rest/api/content/1/child/attachment",
            "a/...",
            "a/.hidden",
            "rest/api/3/filter/100%25",
            "rest/api/3/x%2561",
            "%7Euser",
            "a@b:c"})
    void harmlessPathsPass(String path) {
        assertThat(ProxyPath.parse(PREFIX + path).path()).isEqualTo(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "..", ".", "a/../b", "a/./b", "a/..", "a/.",
            "%2e%2e/oauth/token", "%2E%2E", "%2e", ".%2e/x", "%2e./x",
            "%252e%252e/x", "%25252e%25252e/x", "%252E",
            "a%2fb", "a%2Fb", "a%252fb", "%2e%2e%2foauth",
            "a%5cb", "a%5Cb", "a%255cb", "a\\b",
            "..;/x", "..;jsessionid=1/x", "%2e%2e;x",
            "a//b", "", "/rest",
            "a%zz", "a%2", "a%",
            "a%00b", "a%0ab", "a%250ab",
            "a b", "a\"b", "a<b", "a|b"})
    void tricksAreRefused(String path) {
        assertThatThrownBy(() -> ProxyPath.parse(PREFIX + path)).isInstanceOf(ProxyPath.InvalidPath.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JIRA", "bitbucket", "jir%61", "", "jira%2f.."})
    void onlyJiraAndConfluenceAreProducts(String product) {
        assertThatThrownBy(() -> ProxyPath.parse("/v1/grants/7/proxy/ex/" + product + "/" + CLOUD_ID + "/x"))
                .isInstanceOf(ProxyPath.InvalidPath.class).hasMessageContaining("product");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-uuid", "1324a887-45db-1bf4-1e99-ef0ff456d42", "1324a887%2d45db-1bf4-1e99-ef0ff456d421",
            "..", "%2e%2e", "1324a887-45db-1bf4-1e99-ef0ff456d421x", "1324a887-45db-1bf4-1e99-ef0ff456d42g"})
    void aMalformedCloudIdIsRefused(String cloudId) {
        assertThatThrownBy(() -> ProxyPath.parse("/v1/grants/7/proxy/ex/confluence/" + cloudId + "/wiki"))
                .isInstanceOf(ProxyPath.InvalidPath.class).hasMessageContaining("cloudId");
    }

    @Test
    void theRoutePrefixMustBeUnencoded() {
        assertThatThrownBy(() -> ProxyPath.parse("/v1/grants/7/proxy%2fex/jira/" + CLOUD_ID + "/x"))
                .isInstanceOf(ProxyPath.InvalidPath.class);
        assertThatThrownBy(() -> ProxyPath.parse("/v1/grants/7/proxy/ex/jira/" + CLOUD_ID))
                .isInstanceOf(ProxyPath.InvalidPath.class);
    }

    @Test
    void messagesDoNotRepeatThePath() {
        assertThatThrownBy(() -> ProxyPath.parse(PREFIX + "secret-token-value/%2e%2e"))
                .hasMessageNotContaining("secret-token-value");
    }

    /**
     * Whatever a path is made of, one that passes stays below /ex/{product}/{cloudId}/ however often a
     * server on the way decodes it and resolves dot segments.
     */
    @Property(tries = 3000)
    void aPathThatPassesNeverClimbsOut(@ForAll("paths") String path) {
        ProxyPath.Target target;
        try {
            target = ProxyPath.parse(PREFIX + path);
        } catch (ProxyPath.InvalidPath refused) {
            return;
        }
        String base = "/ex/jira/" + CLOUD_ID + "/";
        String text = target.apiPath();
        assertThat(URI.create("http://h" + text).normalize().getRawPath()).startsWith(base);
        for (int round = 0; round < 4; round++) {
            assertThat(text.substring(base.length()).replace('\\', '/').split("/", -1))
                    .noneMatch(segment -> segment.equals("..") || segment.equals("."));
            try {
                text = base + URLDecoder.decode(text.substring(base.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException literalPercent) {
                return;
            }
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("a", ".", "..", "%2e", "%2E", "%25", "2e", "%2f", "%5c", "/", ";", "%", "x", "%252e", "5c", "2f")
                .list().ofMinSize(1).ofMaxSize(8).map(parts -> String.join("", parts));
    }
}
