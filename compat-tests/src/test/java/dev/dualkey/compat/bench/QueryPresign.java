package dev.dualkey.compat.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Presigned PUT paths (SigV4 in the query, unsigned payload, host the only signed header) for many keys of one
 * bucket, cut from one presigned path that the SDK made: the same query parameters in the same order, the same
 * date, credential and expiry, only the key and the signature differ. Why: {@code wrk_put4k} presigns 240,000 PUTs
 * per run, and the SDK's presigner spent 9 CPU-s per 60,000 in a fresh JVM (session 13, load 25-38), a minute or
 * more of each S3 server's set-up; this signs a key with two SHA-256 digests and one HMAC. {@link #from} re-signs
 * the SDK's own key and returns null unless its signature is the SDK's, so a path it makes is one the SDK would
 * make (the caller then presigns with the SDK). Keys must be of unreserved characters and {@code /} (no URI
 * encoding).
 */
final class QueryPresign {
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9._~/-]+");
    private static final String SIGNATURE = "X-Amz-Signature=";

    private final String bucketPath;
    private final List<String> params;
    private final int signatureIndex;
    private final String canonicalQuery;
    private final String host;
    private final String amzDate;
    private final String scope;
    private final byte[] signingKey;

    private QueryPresign(String bucketPath, List<String> params, int signatureIndex, String canonicalQuery,
                         String host, String amzDate, String scope, byte[] signingKey) {
        this.bucketPath = bucketPath;
        this.params = params;
        this.signatureIndex = signatureIndex;
        this.canonicalQuery = canonicalQuery;
        this.host = host;
        this.amzDate = amzDate;
        this.scope = scope;
        this.signingKey = signingKey;
    }

    /**
     * @param sdkPath path and query of a PUT of {@code key} in {@code bucket} presigned by the SDK
     * @param host    the Host header the requests carry ({@code 127.0.0.1:PORT})
     * @return the presigner, or null when {@code sdkPath} is not of the expected shape or re-signing {@code key}
     *         does not give the SDK's signature
     */
    static QueryPresign from(String sdkPath, String bucket, String key, String host, String secretKey) {
        String bucketPath = "/" + bucket + "/";
        int q = sdkPath.indexOf('?');
        if (q < 0 || !sdkPath.substring(0, q).equals(bucketPath + key) || !PLAIN_KEY.matcher(key).matches()) {
            return null;
        }
        List<String> params = new ArrayList<>(Arrays.asList(sdkPath.substring(q + 1).split("&")));
        int signatureIndex = -1;
        String amzDate = null;
        String credential = null;
        for (int i = 0; i < params.size(); i++) {
            String p = params.get(i);
            if (p.startsWith(SIGNATURE)) {
                signatureIndex = i;
            } else if (p.startsWith("X-Amz-Date=")) {
                amzDate = p.substring("X-Amz-Date=".length());
            } else if (p.startsWith("X-Amz-Credential=")) {
                credential = p.substring("X-Amz-Credential=".length()).replace("%2F", "/");
            }
        }
        if (signatureIndex < 0 || amzDate == null || credential == null
                || !params.contains("X-Amz-SignedHeaders=host")) {
            return null;
        }
        String[] c = credential.split("/"); // access key, date, region, service, aws4_request
        if (c.length != 5) {
            return null;
        }
        List<String> sorted = new ArrayList<>(params);
        sorted.remove(signatureIndex);
        sorted.sort(null); // names and values are already URI-encoded; the names differ
        try {
            byte[] k = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), c[1]);
            k = hmac(k, c[2]);
            k = hmac(k, c[3]);
            k = hmac(k, c[4]);
            QueryPresign p = new QueryPresign(bucketPath, params, signatureIndex, String.join("&", sorted), host,
                    amzDate, c[1] + "/" + c[2] + "/" + c[3] + "/" + c[4], k);
            String expected = params.get(signatureIndex).substring(SIGNATURE.length());
            return p.signature(key).equals(expected) ? p : null;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /** The presigned path (path and query) of a PUT of {@code key}. */
    String put(String key) {
        if (!PLAIN_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("key needs URI encoding: " + key);
        }
        StringBuilder out = new StringBuilder(bucketPath.length() + key.length() + 400).append(bucketPath).append(key)
                .append('?');
        for (int i = 0; i < params.size(); i++) {
            out.append(i == 0 ? "" : "&");
            try {
                out.append(i == signatureIndex ? SIGNATURE + signature(key) : params.get(i));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    private String signature(String key) throws GeneralSecurityException {
        String canonical = "PUT\n" + bucketPath + key + "\n" + canonicalQuery + "\nhost:" + host + "\n\nhost\n"
                + "UNSIGNED-PAYLOAD";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(hmac(signingKey, toSign));
    }

    private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }
}
