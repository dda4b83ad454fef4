package dev.dualkey.gateway.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pure functions of AWS Signature Version 4: canonical request, string to sign, signing key, signature,
 * and the chained strings to sign of aws-chunked bodies. No clock, no IO; the service name is a parameter.
 */
public final class SigV4Signer {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** SHA-256 of the empty string, used in chunk strings to sign. */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final HexFormat HEX = HexFormat.of();
    /** One Mac and one digest per thread: {@code getInstance} walks the provider list, measurable per request. */
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(SigV4Signer::sha256);
    /** {@link #sha256Hex}'s per-thread staging of ASCII bytes. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[512]);

    private SigV4Signer() {
    }

    /** The canonical URI of a raw path: decoded once, then encoded with {@code /} kept (S3 never double-encodes). */
    public static String canonicalUri(String rawPath) {
        String path = rawPath.isEmpty() ? "/" : rawPath;
        return AwsUriEncoding.encode(AwsUriEncoding.decode(path), true);
    }

    /** Sorted, encoded {@code name=value} pairs joined by {@code &}; {@code X-Amz-Signature} left out. */
    public static String canonicalQuery(List<Map.Entry<String, String>> query) {
        // sorted by encoded name, then encoded value; values are encoded straight into the result (a value is
        // encoded for sorting only when two names are equal)
        List<Map.Entry<String, String>> pairs = new ArrayList<>(query.size());
        int length = 0;
        for (Map.Entry<String, String> e : query) {
            if (e.getKey().equals("X-Amz-Signature")) {
                continue;
            }
            pairs.add(Map.entry(AwsUriEncoding.encode(e.getKey(), false), e.getValue()));
            length += e.getKey().length() + e.getValue().length() + 2;
        }
        pairs.sort((a, b) -> {
            int c = a.getKey().compareTo(b.getKey());
            return c != 0 ? c : AwsUriEncoding.encode(a.getValue(), false)
                    .compareTo(AwsUriEncoding.encode(b.getValue(), false));
        });
        StringBuilder sb = new StringBuilder(length + 32);
        for (Map.Entry<String, String> p : pairs) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(p.getKey()).append('=');
            AwsUriEncoding.appendEncoded(sb, p.getValue(), false);
        }
        return sb.toString();
    }

    /**
     * {@code name:value\n} for each signed header in order; values trimmed, inner runs of spaces collapsed,
     * repeated headers joined with {@code ,}. A signed header the request lacks contributes an empty value.
     */
    public static String canonicalHeaders(Map<String, List<String>> headers, List<String> signedHeaders) {
        StringBuilder sb = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = headers.getOrDefault(name, List.of());
            sb.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendCollapsed(sb, values.get(i).trim());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Appends {@code value} with every run of spaces collapsed to one (what {@code replaceAll(" +", " ")} does). */
    private static void appendCollapsed(StringBuilder sb, String value) {
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ') {
                if (!space) {
                    sb.append(' ');
                }
                space = true;
            } else {
                sb.append(c);
                space = false;
            }
        }
    }

    public static String canonicalRequest(String method, String canonicalUri, String canonicalQuery,
                                          String canonicalHeaders, List<String> signedHeaders, String payloadHash) {
        return method + '\n' + canonicalUri + '\n' + canonicalQuery + '\n' + canonicalHeaders + '\n'
                + String.join(";", signedHeaders) + '\n' + payloadHash;
    }

    /** {@code date/region/service/aws4_request}. */
    public static String scope(String date, String region, String service) {
        return date + '/' + region + '/' + service + "/aws4_request";
    }

    public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest);
    }

    /** The string to sign of one aws-chunked data chunk (the final chunk has an empty payload). */
    public static String chunkStringToSign(String amzDate, String scope, String previousSignature, String chunkSha256) {
        return "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + '\n' + scope + '\n' + previousSignature + '\n'
                + EMPTY_SHA256 + '\n' + chunkSha256;
    }

    /** The string to sign of the trailing headers; {@code trailers} excludes {@code x-amz-trailer-signature}. */
    public static String trailerStringToSign(String amzDate, String scope, String previousSignature,
                                             Map<String, String> trailers) {
        SortedMap<String, String> sorted = new TreeMap<>(trailers);
        StringBuilder canonical = new StringBuilder();
        sorted.forEach((k, v) -> canonical.append(k).append(':').append(v.trim()).append('\n'));
        return "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + '\n' + scope + '\n' + previousSignature + '\n'
                + sha256Hex(canonical.toString());
    }

    /** {@code HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")}. */
    public static byte[] signingKey(String secretKey, String date, String region, String service) {
        byte[] k = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    /** Lower-case hex HMAC-SHA256 of a string to sign. */
    public static String signature(byte[] signingKey, String stringToSign) {
        return HEX.formatHex(hmac(signingKey, stringToSign));
    }

    public static byte[] hmac(byte[] key, String data) {
        Mac mac = HMAC.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 key rejected", e);
        }
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8)); // doFinal leaves the Mac reset for reuse
    }

    /**
     * Lower-case hex SHA-256 of a string's UTF-8 bytes. An ASCII string (every canonical request of an ASCII key)
     * is fed to the digest through a small per-thread array instead of a copy of the whole string (issue 19).
     */
    public static String sha256Hex(String s) {
        MessageDigest md = SHA256.get();
        md.reset();
        byte[] scratch = SCRATCH.get();
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                md.reset();
                return HEX.formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
            }
            scratch[n++] = (byte) c;
            if (n == scratch.length) {
                md.update(scratch, 0, n);
                n = 0;
            }
        }
        md.update(scratch, 0, n);
        return HEX.formatHex(md.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of two hex signatures. */
    public static boolean signaturesEqual(String expected, String provided) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                provided.getBytes(StandardCharsets.US_ASCII));
    }

    /** Space-separated hex bytes of a string, as S3 puts in {@code StringToSignBytes}. */
    public static String hexBytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(b.length * 3);
        for (int i = 0; i < b.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(HEX.toHexDigits(b[i]));
        }
        return sb.toString();
    }

    /** Hex of a finished digest. */
    public static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    /** Updates a digest with a buffer without moving the buffer's position. */
    public static void update(MessageDigest md, ByteBuffer buf) {
        md.update(buf.duplicate());
    }
}
