package io.grantwatch.core;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Reads the Atlassian answers in {@code src/test/resources/fixtures}, copied from the shared fixtures. */
final class Fixtures {
    static final String JIRA = "accessible-resources-jira.json";
    static final String MULTI_PRODUCT = "accessible-resources-multi-product.json";
    static final String TWO_SITES = "accessible-resources-two-sites.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    static List<Resource> resources(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return JSON.readValue(in, new TypeReference<List<Resource>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Sites sites(String name) {
        return Normalizer.normalize(resources(name));
    }
}
