package dev.dualkey.gateway.s3.xml;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;

/**
 * A listing's {@code encoding-type} parameter (ListObjects, ListObjectsV2, ListObjectVersions,
 * ListMultipartUploads; ListParts has none in S3's model). With {@code url}, every key-valued field the listing
 * writes (keys, prefixes, delimiters, key markers) is percent-encoded as SigV4 encodes paths
 * ({@code AwsUriEncoding.encode(s, true)}), and
 * {@code <EncodingType>url</EncodingType>} is echoed, so a key holding characters that XML 1.0 cannot carry
 * reaches the client intact. Without it such characters are replaced by {@link XmlWriter} (see there).
 */
public final class EncodingType {
    private final boolean url;

    private EncodingType(boolean url) {
        this.url = url;
    }

    /**
     * @param value the raw {@code encoding-type} query value, or null when absent
     * @throws S3Exception InvalidArgument for anything but {@code url}, as S3 answers
     */
    public static EncodingType of(String value) {
        if (value == null) {
            return new EncodingType(false);
        }
        if (!value.equals("url")) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid Encoding Method specified in Request")
                    .with("ArgumentName", "encoding-type").with("ArgumentValue", value);
        }
        return new EncodingType(true);
    }

    public boolean url() {
        return url;
    }

    /** A key-valued field as the listing writes it (null stays null). */
    public String apply(String s) {
        return s == null || !url ? s : urlEncode(s);
    }

    /**
     * {@code AwsUriEncoding.encode(s, true)}, the same characters (unreserved and {@code /} kept, every other
     * UTF-8 byte as {@code %XY}, an unpaired surrogate as {@code ?} as {@code String.getBytes} encodes it), but
     * without its byte array, builder and per-character appends: a key of only kept characters is returned as
     * it is, any other is encoded into one array (issue 19: botocore asks every object listing for
     * {@code encoding-type=url}, so this runs once per listed key). {@code EncodingTypeTest} compares the two.
     */
    static String urlEncode(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && keep(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return s;
        }
        byte[] out = new byte[i + (n - i) * 9]; // a BMP character is at most 3 bytes, %XY each
        for (int j = 0; j < i; j++) {
            out[j] = (byte) s.charAt(j);
        }
        int p = i;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (keep(c)) {
                out[p++] = (byte) c;
            } else if (c < 0x80) {
                p = percent(out, p, c);
            } else if (c < 0x800) {
                p = percent(out, p, 0xC0 | c >> 6);
                p = percent(out, p, 0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                p = percent(out, p, 0xE0 | c >> 12);
                p = percent(out, p, 0x80 | (c >> 6 & 0x3F));
                p = percent(out, p, 0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i)); // two chars, four bytes: within 9 per char
                p = percent(out, p, 0xF0 | cp >> 18);
                p = percent(out, p, 0x80 | (cp >> 12 & 0x3F));
                p = percent(out, p, 0x80 | (cp >> 6 & 0x3F));
                p = percent(out, p, 0x80 | (cp & 0x3F));
            } else {
                p = percent(out, p, '?');
            }
        }
        return new String(out, 0, p, StandardCharsets.ISO_8859_1);
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.ISO_8859_1);

    private static int percent(byte[] out, int p, int b) {
        out[p] = '%';
        out[p + 1] = HEX[b >> 4];
        out[p + 2] = HEX[b & 0xF];
        return p + 3;
    }

    /** {@code A-Z a-z 0-9 - _ . ~ /}: what a path keeps. */
    private static boolean keep(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
    }

    /** Writes {@code <EncodingType>url</EncodingType>} when requested. */
    public void echo(XmlWriter w) {
        if (url) {
            w.element("EncodingType", "url");
        }
    }
}
