package dev.dualkey.gateway.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which client a request came from, when reverse proxies stand in front of Dualkey.
 *
 * <p>Without trusted proxies (the default) {@code X-Forwarded-For} is ignored: any client can write that header,
 * so believing it would let an attacker holding a stolen key put any address in the audit log and satisfy an
 * {@code aws:SourceIp} condition. With {@code serve --trusted-proxy CIDR} (repeatable), a request whose TCP peer is
 * in one of those ranges has its {@code X-Forwarded-For} chain read from the right (the entry the nearest proxy
 * appended) leftwards, skipping entries that are themselves trusted proxies; the first other entry is the client.
 * Entries left of it were written by that client and are not believed. The proxies passed through are kept as the
 * audit record's {@code via} (nearest last, the TCP peer last of all).
 *
 * <p>The result is one text, {@code "CLIENT"} or {@code "CLIENT via HOP, HOP"} ({@code AuditRecord}'s one-string
 * form): {@code RequestHead.clientAddress()} is the client alone (for {@code aws:SourceIp} and access logs, as a
 * proxy-aware server such as nginx's real-IP module does), {@code RequestHead.auditAddress()} the whole text.
 *
 * <p>Only IP literals are accepted in the chain (a name is never resolved); a malformed entry ends the walk and
 * the nearest trusted hop counts as the client. At most {@link #MAX_HOPS} entries are read.
 */
public final class TrustedProxies {
    /** No proxy is trusted: the TCP peer is the client. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());
    /** Entries of a chain read at most (a longer chain is cut at the left). */
    public static final int MAX_HOPS = 20;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Parses {@code CIDR} or bare addresses, e.g. {@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code ::1/128}.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static TrustedProxies parse(List<String> cidrs) {
        List<Range> out = new ArrayList<>();
        for (String c : cidrs) {
            for (String one : c.split(",")) {
                if (!one.isBlank()) {
                    out.add(Range.parse(one.strip()));
                }
            }
        }
        return new TrustedProxies(out);
    }

    /** Whether any proxy is trusted. */
    public boolean any() {
        return !ranges.isEmpty();
    }

    /**
     * The client of a request from TCP peer {@code peer} carrying these {@code X-Forwarded-For} header values, in
     * the one-string form; {@code peer} itself when it is not a trusted proxy (or null when unknown).
     */
    public String resolve(String peer, List<String> forwardedFor) {
        if (peer == null || ranges.isEmpty() || forwardedFor == null || forwardedFor.isEmpty()) {
            return peer;
        }
        InetAddress peerAddress = literal(peer);
        if (peerAddress == null || !trusted(peerAddress)) {
            return peer;
        }
        List<String> entries = new ArrayList<>();
        for (String v : forwardedFor) {
            for (String e : v.split(",")) {
                entries.add(e.strip());
            }
        }
        Deque<String> hops = new ArrayDeque<>();
        hops.addFirst(peerAddress.getHostAddress());
        String client = null;
        int read = 0;
        for (int i = entries.size() - 1; i >= 0 && read < MAX_HOPS; i--, read++) {
            InetAddress a = literal(entries.get(i));
            if (a == null) {
                break;
            }
            if (!trusted(a)) {
                client = a.getHostAddress();
                break;
            }
            hops.addFirst(a.getHostAddress());
        }
        if (client == null) {
            client = hops.removeFirst(); // every hop is trusted (or the chain is bad): the farthest one is the client
        }
        return hops.isEmpty() ? client : client + " via " + String.join(", ", hops);
    }

    private boolean trusted(InetAddress a) {
        for (Range r : ranges) {
            if (r.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** An IP literal (IPv4, or IPv6 with optional brackets; an IPv4 {@code :port} suffix is dropped), else null. */
    static InetAddress literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return null;
        }
        String t = s;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                return null;
            }
            t = t.substring(1, close);
        } else if (t.indexOf(':') > 0 && t.indexOf(':') == t.lastIndexOf(':') && t.indexOf('.') > 0) {
            t = t.substring(0, t.indexOf(':')); // 203.0.113.5:4711
        }
        if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
            return null; // never a name: InetAddress would resolve it
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private record Range(byte[] network, int bits) {
        static Range parse(String cidr) {
            int slash = cidr.indexOf('/');
            InetAddress a = literal(slash < 0 ? cidr : cidr.substring(0, slash));
            if (a == null) {
                throw new IllegalArgumentException("--trusted-proxy: not an IP address or CIDR range: " + cidr);
            }
            int max = a.getAddress().length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(cidr.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException("--trusted-proxy: bad prefix length in " + cidr);
                }
            }
            return new Range(a.getAddress(), bits);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (b[full] & mask) == (network[full] & mask);
        }
    }
}
