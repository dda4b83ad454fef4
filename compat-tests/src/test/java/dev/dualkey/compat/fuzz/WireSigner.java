package dev.dualkey.compat.fuzz;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.gateway.auth.AwsUriEncoding;
import dev.dualkey.gateway.auth.SigV4Signer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * SigV4 header authentication over whatever a {@link WireRequest} became, computed as the server canonicalises
 * it (the gateway's own {@link SigV4Signer} and {@link AwsUriEncoding}), so a mutated request still carries a valid
 * signature and reaches the code behind authentication. Every header present is signed. Where the server cannot
 * decode the path or query (a bad escape), the signature is necessarily wrong: such requests test the refusal.
 */
final class WireSigner {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private WireSigner() {
    }

    /**
     * Adds {@code x-amz-date}, {@code x-amz-content-sha256} (when absent: the body's hash, or UNSIGNED-PAYLOAD)
     * and {@code Authorization} for {@code service}.
     */
    static void sign(WireRequest w, AccessKey key, String region, String service, Instant now, boolean unsignedPayload) {
        String amzDate = AMZ_DATE.format(now);
        w.removeHeader("Authorization");
        if (w.header("x-amz-date") == null) {
            w.header("x-amz-date", amzDate);
        }
        if (w.header("x-amz-content-sha256") == null) {
            w.header("x-amz-content-sha256", unsignedPayload ? "UNSIGNED-PAYLOAD" : sha256Hex(w.body));
        }
        Map<String, List<String>> byName = new TreeMap<>();
        for (Map.Entry<String, String> h : w.headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("connection")) {
                byName.computeIfAbsent(name, k -> new ArrayList<>()).add(h.getValue());
            }
        }
        List<String> signed = new ArrayList<>(byName.keySet());
        String canonicalUri;
        String canonicalQuery;
        try {
            canonicalUri = SigV4Signer.canonicalUri(w.rawPath);
            canonicalQuery = SigV4Signer.canonicalQuery(AwsUriEncoding.parseQuery(w.renderedQuery()));
        } catch (IllegalArgumentException e) {
            canonicalUri = "/undecodable";
            canonicalQuery = "";
        }
        String payloadHash = byName.getOrDefault("x-amz-content-sha256", List.of("")).get(0);
        String canonical = SigV4Signer.canonicalRequest(w.method, canonicalUri, canonicalQuery,
                SigV4Signer.canonicalHeaders(byName, signed), signed, payloadHash);
        String date = amzDate.substring(0, 8);
        String scope = SigV4Signer.scope(date, region, service);
        String signature = SigV4Signer.signature(SigV4Signer.signingKey(key.secretKey(), date, region, service),
                SigV4Signer.stringToSign(amzDate, scope, canonical));
        w.header("Authorization", SigV4Signer.ALGORITHM + " Credential=" + key.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + String.join(";", signed) + ", Signature=" + signature);
    }

    static String sha256Hex(byte[] body) {
        try {
            return SigV4Signer.hex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String md5Base64(String s) {
        try {
            return java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
