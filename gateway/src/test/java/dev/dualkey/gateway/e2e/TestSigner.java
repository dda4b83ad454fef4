package dev.dualkey.gateway.e2e;

import dev.dualkey.gateway.auth.AwsUriEncoding;
import dev.dualkey.gateway.auth.SigV4Signer;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signs raw test requests the way SDKs do (header auth and presigned URLs). It reuses the production pure
 * functions, which the AWS vectors in {@code SigV4VerifierTest} pin down.
 */
final class TestSigner {
    static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private TestSigner() {
    }

    /** Headers to add (x-amz-date, x-amz-content-sha256, Authorization) for a request. */
    static Map<String, String> sign(String method, URI uri, Map<String, String> headers, String payloadHash,
                                    String ak, String sk, Instant time) {
        String amzDate = AMZ.format(time);
        String date = amzDate.substring(0, 8);
        Map<String, List<String>> h = new TreeMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), List.of(v)));
        h.put("host", List.of(uri.getRawAuthority()));
        h.put("x-amz-date", List.of(amzDate));
        h.put("x-amz-content-sha256", List.of(payloadHash));
        List<String> signed = new ArrayList<>(h.keySet());
        String canonical = SigV4Signer.canonicalRequest(method, SigV4Signer.canonicalUri(uri.getRawPath()),
                SigV4Signer.canonicalQuery(AwsUriEncoding.parseQuery(uri.getRawQuery())),
                SigV4Signer.canonicalHeaders(h, signed), signed, payloadHash);
        String scope = SigV4Signer.scope(date, "us-east-1", "s3");
        String sig = SigV4Signer.signature(SigV4Signer.signingKey(sk, date, "us-east-1", "s3"),
                SigV4Signer.stringToSign(amzDate, scope, canonical));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("x-amz-date", amzDate);
        out.put("x-amz-content-sha256", payloadHash);
        out.put("Authorization", "AWS4-HMAC-SHA256 Credential=" + ak + "/" + scope + ", SignedHeaders="
                + String.join(";", signed) + ", Signature=" + sig);
        return out;
    }

    /** The seed signature of a signed request (the value after {@code Signature=}). */
    static String seedSignature(Map<String, String> signedHeaders) {
        String auth = signedHeaders.get("Authorization");
        return auth.substring(auth.indexOf("Signature=") + "Signature=".length());
    }

    /** A presigned GET URL. */
    static URI presign(URI uri, String ak, String sk, Instant time, long expires) {
        String amzDate = AMZ.format(time);
        String date = amzDate.substring(0, 8);
        String scope = SigV4Signer.scope(date, "us-east-1", "s3");
        String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
                + AwsUriEncoding.encode(ak + "/" + scope, false) + "&X-Amz-Date=" + amzDate
                + "&X-Amz-Expires=" + expires + "&X-Amz-SignedHeaders=host";
        Map<String, List<String>> h = Map.of("host", List.of(uri.getRawAuthority()));
        String canonical = SigV4Signer.canonicalRequest("GET", SigV4Signer.canonicalUri(uri.getRawPath()),
                SigV4Signer.canonicalQuery(AwsUriEncoding.parseQuery(query)),
                SigV4Signer.canonicalHeaders(h, List.of("host")), List.of("host"), "UNSIGNED-PAYLOAD");
        String sig = SigV4Signer.signature(SigV4Signer.signingKey(sk, date, "us-east-1", "s3"),
                SigV4Signer.stringToSign(amzDate, scope, canonical));
        return URI.create(uri + "?" + query + "&X-Amz-Signature=" + sig);
    }
}
