package io.grantwatch.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns Atlassian's answer into {@link Sites}: entries merged by cloudId (scopes are the union),
 * sorted, and hashed. The result does not depend on the order of entries or scopes, so a reordered
 * answer is never seen as a change. Pure; thread-safe.
 */
public final class Normalizer {
    private Normalizer() {}

    public static Sites normalize(List<Resource> resources) {
        Map<String, List<Resource>> byId = new TreeMap<>();
        for (Resource resource : resources) {
            byId.computeIfAbsent(resource.id(), id -> new ArrayList<>()).add(resource);
        }
        List<Site> sites = new ArrayList<>(byId.size());
        byId.forEach((id, entries) -> sites.add(merge(id, entries)));
        return new Sites(sites, hash(sites));
    }

    private static Site merge(String cloudId, List<Resource> entries) {
        TreeSet<String> scopes = new TreeSet<>();
        for (Resource entry : entries) {
            scopes.addAll(entry.scopes());
        }
        // The products of one site normally agree on name, url and avatar; when they do not, the
        // smallest value wins so that the order of entries cannot change the result.
        return new Site(
                cloudId,
                smallest(entries, Resource::name),
                smallest(entries, Resource::url),
                List.copyOf(scopes),
                smallest(entries, Resource::avatarUrl));
    }

    private static String smallest(List<Resource> entries, java.util.function.Function<Resource, String> field) {
        return entries.stream()
                .map(field)
                .filter(value -> value != null)
                .min(Comparator.naturalOrder())
                .orElse(null);
    }

    static String hash(List<Site> sites) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Site site : sites) {
            field(digest, site.cloudId());
            field(digest, site.name());
            field(digest, site.url());
            field(digest, site.avatarUrl());
            length(digest, site.scopes().size());
            for (String scope : site.scopes()) {
                field(digest, scope);
            }
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 16);
    }

    // Length-prefixed, with null distinct from "", so that no two different lists hash alike by concatenation.
    private static void field(MessageDigest digest, String value) {
        if (value == null) {
            digest.update(new byte[] {-1, -1, -1, -1});
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        length(digest, bytes.length);
        digest.update(bytes);
    }

    private static void length(MessageDigest digest, int length) {
        digest.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
    }
}
