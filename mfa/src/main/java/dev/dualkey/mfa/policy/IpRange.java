package dev.dualkey.mfa.policy;

import java.util.Arrays;

/**
 * An IPv4 or IPv6 address or CIDR block of the {@code IpAddress}/{@code NotIpAddress} operators, parsed without
 * name resolution ({@code InetAddress.getByName} would query DNS for a policy value). An IPv4-mapped IPv6
 * address ({@code ::ffff:10.0.0.1}) is its IPv4 address.
 */
record IpRange(byte[] network, int prefixLength) {
    /** Parses {@code a.b.c.d}, {@code a.b.c.d/n}, an IPv6 address or {@code ipv6/n}; null when invalid. */
    static IpRange parse(String s) {
        String addr = s.trim();
        int prefix = -1;
        int slash = addr.indexOf('/');
        if (slash >= 0) {
            String p = addr.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return null;
            }
            prefix = Integer.parseInt(p);
            addr = addr.substring(0, slash);
        }
        byte[] bytes = address(addr);
        if (bytes == null) {
            return null;
        }
        int bits = bytes.length * 8;
        if (prefix < 0) {
            prefix = bits;
        }
        if (prefix > bits) {
            return null;
        }
        return new IpRange(bytes, prefix);
    }

    /** The 4 or 16 bytes of a literal address, or null. */
    static byte[] address(String s) {
        byte[] b = s.contains(":") ? ipv6(s) : ipv4(s);
        if (b != null && b.length == 16 && isMappedIpv4(b)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        return b;
    }

    /** True when {@code ip} (a literal address) is inside this range. */
    boolean contains(String ip) {
        byte[] a = address(ip.trim());
        if (a == null || a.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }

    private static boolean isMappedIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6(String s) {
        int zone = s.indexOf('%');
        if (zone >= 0) {
            return null;
        }
        byte[] tail4 = null;
        int lastColon = s.lastIndexOf(':');
        if (s.indexOf('.') > lastColon) {
            tail4 = ipv4(s.substring(lastColon + 1));
            if (tail4 == null) {
                return null;
            }
            s = s.substring(0, lastColon + 1) + "0:0";
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String[] head;
        String[] tail;
        if (dbl >= 0) {
            String h = s.substring(0, dbl);
            String t = s.substring(dbl + 2);
            head = h.isEmpty() ? new String[0] : h.split(":", -1);
            tail = t.isEmpty() ? new String[0] : t.split(":", -1);
            if (head.length + tail.length > 7) {
                return null;
            }
        } else {
            head = s.split(":", -1);
            tail = new String[0];
            if (head.length != 8) {
                return null;
            }
        }
        int[] groups = new int[8];
        for (int i = 0; i < head.length; i++) {
            int g = group(head[i]);
            if (g < 0) {
                return null;
            }
            groups[i] = g;
        }
        for (int i = 0; i < tail.length; i++) {
            int g = group(tail[i]);
            if (g < 0) {
                return null;
            }
            groups[8 - tail.length + i] = g;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (groups[i] >> 8);
            out[2 * i + 1] = (byte) groups[i];
        }
        if (tail4 != null) {
            System.arraycopy(tail4, 0, out, 12, 4);
        }
        return out;
    }

    private static int group(String g) {
        if (g.isEmpty() || g.length() > 4) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < g.length(); i++) {
            int d = Character.digit(g.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
}
