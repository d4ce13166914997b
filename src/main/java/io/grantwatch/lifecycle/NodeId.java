package io.grantwatch.lifecycle;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Who this grantwatch process is in a cluster: Quartz's scheduler instance id and the owner of
 * webhook leases. The random part keeps two processes apart even when a restarted one reuses a pid
 * in the same container.
 */
public record NodeId(String value) {
    /** Fits {@code webhook_subscriptions.leased_by} and Quartz's instance name columns. */
    public static final int MAX_LENGTH = 100;

    public NodeId {
        if (value == null || value.isBlank() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a node id is 1 to " + MAX_LENGTH + " characters");
        }
    }

    public static NodeId generate() {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String name = host() + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
        return new NodeId(name.length() > MAX_LENGTH ? name.substring(name.length() - MAX_LENGTH) : name);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "node");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
