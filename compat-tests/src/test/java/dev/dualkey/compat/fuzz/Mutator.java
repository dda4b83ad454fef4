package dev.dualkey.compat.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of strings, bytes and XML documents: the values attackers and broken clients send (percent
 * escapes, control characters, unicode, huge values, numbers at the edges, path tricks). Deterministic for a seed.
 */
final class Mutator {
    /** Values that break parsers: escapes, separators, edges of numbers, ranges, identities. */
    static final List<String> NASTY = List.of("", " ", "%", "%%", "%zz", "%0", "%00", "%2F", "%252F", "%C0%AF",
            "%E2%80%A8", "..", "../..", "/", "//", "\u0000", "\r\n", "\n", "\t", "\u007f", "\u00e9", "\u2028",
            "\ud83d\ude00", "\ufffd", "\uffff", "\ud800", "'\"<>&", "<![CDATA[x]]>", "&amp;", "&#0;", "&xxe;",
            "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "-1", "0", "1", "2147483648",
            "99999999999999999999", "-9223372036854775809", "NaN", "1e9", "0x10", "null", "true", "Enabled",
            "Disabled", "Suspended", "?", "&", "=", "#", "+", ";", ",", "*", "root", "ROOT", "Root", "bytes=0-",
            "bytes=-1", "bytes=5-1", "bytes=0-0,1-1", "bytes=99999999999999999999-", "bytes=", "UNSIGNED-PAYLOAD",
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "aws-chunked", "chunked",
            "100-continue", "20261202T000000Z", "19700101T000000Z", "AWS4-HMAC-SHA256", "arn:aws:iam::*:root");
    private static final String CONTROL = "\u0000\u0001\u0007\b\t\n\u000b\f\r\u001b\u007f";
    private final Random random;

    Mutator(Random random) {
        this.random = random;
    }

    Random random() {
        return random;
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    String nasty() {
        return pick(NASTY);
    }

    /** A mutated copy of {@code s} (possibly huge, possibly empty, possibly unchanged-looking). */
    String string(String s) {
        if (s == null) {
            s = "";
        }
        int p = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
        switch (random.nextInt(14)) {
            case 0:
                return "";
            case 1:
                return nasty();
            case 2:
                return s + nasty();
            case 3:
                return s.substring(0, p) + nasty() + s.substring(p);
            case 4:
                return s.isEmpty() ? s : s.substring(0, p) + s.substring(Math.min(s.length(), p + 1 + random.nextInt(8)));
            case 5:
                return s + s;
            case 6:
                return huge(s);
            case 7:
                return s.substring(0, p) + CONTROL.charAt(random.nextInt(CONTROL.length())) + s.substring(p);
            case 8:
                return s.substring(0, p) + randomUnicode() + s.substring(p);
            case 9:
                return flipCase(s);
            case 10:
                return s.substring(0, p);
            case 11:
                return s.substring(0, p) + "%" + Integer.toHexString(random.nextInt(256)).toUpperCase() + s.substring(p);
            case 12:
                return Long.toString(random.nextLong() % 100_000_000_000L);
            default:
                return s.substring(0, p) + (char) ('!' + random.nextInt(94)) + s.substring(p);
        }
    }

    /** {@code s} repeated (or padded) to between 1 KiB and 100 KiB. */
    String huge(String s) {
        int target = 1024 << random.nextInt(7); // 1 KiB .. 64 KiB
        String unit = s.isEmpty() ? "a" : s;
        StringBuilder sb = new StringBuilder(target + unit.length());
        while (sb.length() < target) {
            sb.append(unit);
        }
        return sb.toString();
    }

    private String randomUnicode() {
        int[] points = {0xe9, 0x130, 0x3a3, 0x5d0, 0x4e2d, 0x200b, 0x202e, 0xfeff, 0x1f600, 0x10ffff, 0xd7ff};
        return new String(Character.toChars(points[random.nextInt(points.length)]));
    }

    private String flipCase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return sb.toString();
    }

    /** A mutated copy of {@code b}: bit flips, cuts, insertions, duplication, growth. */
    byte[] bytes(byte[] b) {
        switch (random.nextInt(6)) {
            case 0: {
                byte[] c = b.clone();
                for (int i = 0, n = 1 + random.nextInt(4); i < n && c.length > 0; i++) {
                    c[random.nextInt(c.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return c;
            }
            case 1:
                return Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
            case 2: {
                byte[] extra = string("").getBytes(StandardCharsets.UTF_8);
                int p = b.length == 0 ? 0 : random.nextInt(b.length);
                byte[] c = new byte[b.length + extra.length];
                System.arraycopy(b, 0, c, 0, p);
                System.arraycopy(extra, 0, c, p, extra.length);
                System.arraycopy(b, p, c, p + extra.length, b.length - p);
                return c;
            }
            case 3: {
                byte[] c = Arrays.copyOf(b, b.length * 2);
                System.arraycopy(b, 0, c, b.length, b.length);
                return c;
            }
            case 4: {
                byte[] c = new byte[random.nextInt(4096)];
                random.nextBytes(c);
                return c;
            }
            default:
                return new byte[0];
        }
    }

    /**
     * A mutated XML document: a text or tag name changed, an element dropped or duplicated, nesting made deep,
     * an entity declared, or the bytes mutated.
     */
    String xml(String doc) {
        switch (random.nextInt(7)) {
            case 0: { // change the text between two tags
                int gt = doc.indexOf('>', random.nextInt(Math.max(1, doc.length())));
                int lt = gt < 0 ? -1 : doc.indexOf('<', gt);
                return gt < 0 || lt < 0 ? doc : doc.substring(0, gt + 1) + string(doc.substring(gt + 1, lt))
                        + doc.substring(lt);
            }
            case 1: { // change a tag name
                int lt = doc.indexOf('<', random.nextInt(Math.max(1, doc.length())));
                int gt = lt < 0 ? -1 : doc.indexOf('>', lt);
                return lt < 0 || gt < 0 ? doc : doc.substring(0, lt + 1) + string(doc.substring(lt + 1, gt))
                        + doc.substring(gt);
            }
            case 2: // cut it short
                return doc.substring(0, random.nextInt(doc.length() + 1));
            case 3: { // deep nesting
                int depth = 10 << random.nextInt(8);
                return "<a>".repeat(depth) + doc + "</a>".repeat(depth);
            }
            case 4:
                return "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY e SYSTEM \"file:///etc/passwd\">"
                        + "<!ENTITY l \"lollollollollol\">]>" + doc.replaceFirst(">", ">&e;&l;");
            case 5: { // duplicate an inner element
                int lt = doc.indexOf('<', 1 + random.nextInt(Math.max(1, doc.length() - 1)));
                int end = lt < 0 ? -1 : doc.indexOf('>', doc.indexOf("</", lt) + 1);
                return lt < 0 || end <= lt ? doc + doc : doc.substring(0, end + 1) + doc.substring(lt, end + 1)
                        + doc.substring(end + 1);
            }
            default:
                return new String(bytes(doc.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        }
    }
}
