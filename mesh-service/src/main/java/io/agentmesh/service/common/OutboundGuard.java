package io.agentmesh.service.common;

import io.agentmesh.service.config.OutboundSettings;
import io.agentmesh.service.errors.MeshException;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the mesh from being turned against its own network (SSRF): before it registers a push
 * endpoint or health URL, and again before each connection to one (DNS may have changed), the
 * host's addresses are checked. Cloud metadata services, link-local, unspecified and multicast
 * addresses are always refused; loopback, private (RFC 1918, unique-local) and shared (100.64/10)
 * ranges unless private networks are allowed (dev) or the host or range is allow-listed.
 */
public final class OutboundGuard {

    private static final Set<String> METADATA = Set.of("169.254.169.254", "169.254.170.2", "100.100.100.200",
            "fd00:ec2:0:0:0:0:0:254");

    private final boolean allowPrivate;
    private final Set<String> allowedHosts;
    private final List<Cidr> allowedRanges;

    public OutboundGuard(OutboundSettings settings) {
        this.allowPrivate = settings.isAllowPrivateNetworks();
        List<Cidr> ranges = new ArrayList<>();
        java.util.Set<String> hosts = new java.util.HashSet<>();
        for (String entry : settings.getAllow()) {
            if (entry.contains("/")) {
                ranges.add(Cidr.parse(entry));
            } else {
                hosts.add(entry.toLowerCase(Locale.ROOT));
            }
        }
        this.allowedHosts = Set.copyOf(hosts);
        this.allowedRanges = List.copyOf(ranges);
    }

    /** 400 naming {@code field} when the mesh may not connect to {@code url}. */
    public void requireAllowed(String field, URI url) {
        refusal(url).ifPresent(reason -> {
            throw MeshException.invalidField(field, "'" + url + "' is refused: " + reason
                    + " (outbound.allow lists hosts and ranges the mesh may reach anyway)");
        });
    }

    /** Why the mesh may not connect to {@code url}, or empty when it may. */
    public Optional<String> refusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return Optional.of("it has no host");
        }
        if (allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.of("host '" + host + "' does not resolve");
        }
        for (InetAddress a : addresses) {
            Optional<String> why = refusal(a).or(() -> embeddedIpv4(a).flatMap(this::refusal));
            if (why.isPresent()) {
                // the category only: the address would tell a caller what internal names resolve to
                return Optional.of("host '" + host + "' resolves to " + why.get());
            }
        }
        return Optional.empty();
    }

    private Optional<String> refusal(InetAddress a) {
        if (METADATA.contains(a.getHostAddress())) {
            return Optional.of("a cloud metadata service");
        }
        if (allowedRanges.stream().anyMatch(r -> r.contains(a))) {
            return Optional.empty();
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of("a link-local address");
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return Optional.of("not a host address");
        }
        if (!allowPrivate && (a.isLoopbackAddress() || a.isSiteLocalAddress() || uniqueLocal(a) || shared(a))) {
            return Optional.of("a loopback or private address");
        }
        return Optional.empty();
    }

    /** The IPv4 address an IPv6 one carries (NAT64 64:ff9b::/96, 6to4 2002::/16, IPv4-compatible ::a.b.c.d). */
    static Optional<InetAddress> embeddedIpv4(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 16) {
            return Optional.empty();
        }
        byte[] v4 = null;
        if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
            v4 = java.util.Arrays.copyOfRange(b, 12, 16);
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            v4 = java.util.Arrays.copyOfRange(b, 2, 6);
        } else if (zero(b, 0, 12) && !zero(b, 12, 16)) {
            v4 = java.util.Arrays.copyOfRange(b, 12, 16);
        }
        try {
            return v4 == null ? Optional.empty() : Optional.of(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean uniqueLocal(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 && (b[0] & 0xfe) == 0xfc;
    }

    private static boolean shared(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }

    /** An address range such as 10.1.0.0/16 or fd12::/64. */
    record Cidr(byte[] network, int bits) {
        static Cidr parse(String text) {
            String[] parts = text.split("/", 2);
            try {
                InetAddress base = InetAddress.getByName(parts[0]);
                int bits = Integer.parseInt(parts[1]);
                if (bits < 0 || bits > base.getAddress().length * 8) {
                    throw new IllegalArgumentException("outbound.allow: '" + text + "' has a bad prefix length");
                }
                return new Cidr(base.getAddress(), bits);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("outbound.allow: '" + text + "' is not a CIDR range", e);
            }
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int len = network.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(len).subtract(BigInteger.ONE)
                    .shiftRight(bits).not().and(BigInteger.ONE.shiftLeft(len).subtract(BigInteger.ONE));
            return new BigInteger(1, b).and(mask).equals(new BigInteger(1, network).and(mask));
        }
    }
}
