package io.grantwatch.delivery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses a webhook receiver may have. Link-local and cloud metadata addresses
 * ({@code 169.254.0.0/16}, {@code fe80::/10}, {@code fd00:ec2::254}) are never reached: they give
 * away the credentials of the machine grantwatch runs on. Without {@code delivery.allowPrivateNetworks},
 * loopback and private ranges are refused too. Each new connection to a receiver resolves the host,
 * checks every address, and connects to a checked one ({@link WebhookSender}'s resolver), so a name
 * that resolves somewhere else later cannot slip through. Immutable and thread-safe.
 */
public final class ReceiverGuard {
    /** Resolves a host name; a seam for tests that play a DNS server whose answers change. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Alibaba Cloud's metadata service sits outside the link-local range. */
    private static final byte[] ALIBABA_METADATA = {100, 100, 100, (byte) 200};
    private static final byte[] AWS_METADATA_V6 = address("fd00:ec2::254");

    private final boolean allowPrivateNetworks;
    private final Resolver resolver;

    public ReceiverGuard(boolean allowPrivateNetworks) {
        this(allowPrivateNetworks, InetAddress::getAllByName);
    }

    public ReceiverGuard(boolean allowPrivateNetworks, Resolver resolver) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
    }

    /** A receiver's address is refused; the message says what kind of address it is, never which. */
    public static final class RefusedAddressException extends Exception {
        RefusedAddressException(String kind) {
            super("the receiver's host resolves to " + kind + ", which webhooks may not reach");
        }
    }

    /**
     * The host's addresses, every one of them allowed; connect to one of these and to nothing else.
     *
     * @throws RefusedAddressException when any address is refused (one bad answer among good ones
     *     is how a rebinding attack would look)
     */
    public List<InetAddress> resolve(String host) throws UnknownHostException, RefusedAddressException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolver.resolve(bare);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException("no address");
        }
        for (InetAddress address : addresses) {
            String refusal = refusal(address);
            if (refusal != null) {
                throw new RefusedAddressException(refusal);
            }
        }
        return List.of(addresses);
    }

    /**
     * Null when a subscription to this url may be made, else what is wrong (without repeating the
     * url). A host that does not resolve now is accepted: it is checked again at every delivery.
     */
    public String problem(String url) {
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
        if (host == null) {
            return "must name a host";
        }
        try {
            resolve(host);
            return null;
        } catch (RefusedAddressException e) {
            return "is refused: " + e.getMessage();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    /** Null when grantwatch may connect to the address, else the kind of address it is. */
    String refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            byte[] embedded = embeddedIpv4(bytes);
            if (embedded != null) {
                try {
                    return refusal(InetAddress.getByAddress(embedded));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        if (Arrays.equals(bytes, AWS_METADATA_V6) || Arrays.equals(bytes, ALIBABA_METADATA)) {
            return "a cloud metadata address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (allowPrivateNetworks) {
            return null;
        }
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return "a loopback address";
        }
        if (address.isSiteLocalAddress() || isUniqueLocal(bytes) || isSharedOrThisNetwork(bytes)) {
            return "a private network address";
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}), -compatible or NAT64 IPv6 address. */
    private static byte[] embeddedIpv4(byte[] v6) {
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= v6[i] == 0;
        }
        boolean mapped = firstTenZero && v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
        boolean compatible = firstTenZero && v6[10] == 0 && v6[11] == 0 && (v6[12] != 0 || v6[13] != 0);
        boolean nat64 = v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == (byte) 0xff && v6[3] == (byte) 0x9b
                && Arrays.equals(Arrays.copyOfRange(v6, 4, 12), new byte[8]);
        return mapped || compatible || nat64 ? Arrays.copyOfRange(v6, 12, 16) : null;
    }

    /** {@code fc00::/7}. */
    private static boolean isUniqueLocal(byte[] bytes) {
        return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
    }

    /** {@code 100.64.0.0/10} (carrier-grade NAT) and {@code 0.0.0.0/8}. */
    private static boolean isSharedOrThisNetwork(byte[] bytes) {
        return bytes.length == 4 && ((bytes[0] == 100 && (bytes[1] & 0xc0) == 64) || bytes[0] == 0);
    }

    private static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
