package dev.dualkey.compat.legacy;

import dev.dualkey.compat.AccessKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A browser POST upload built as an HTML form would send it ({@code multipart/form-data}, fields before the
 * file), with the test's own SigV4 and SigV2 policy signers (AWS's "Calculating a Signature" for POST), so the
 * server is checked against an independent implementation.
 */
public final class PostForm {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Map<String, String> fields = new LinkedHashMap<>();
    private final List<String> conditions = new ArrayList<>();
    private String filename = "upload.bin";

    /** Adds a form field (in order). */
    public PostForm field(String name, String value) {
        fields.put(name, value);
        return this;
    }

    /** Adds a raw JSON condition to the policy, e.g. {@code ["starts-with", "$key", "up/"]}. */
    public PostForm condition(String json) {
        conditions.add(json);
        return this;
    }

    /** The form fields so far, in order (to render them as an HTML form). */
    public Map<String, String> fields() {
        return java.util.Collections.unmodifiableMap(fields);
    }

    public PostForm filename(String name) {
        this.filename = name;
        return this;
    }

    /** The policy document with {@code expiration} and the conditions added. */
    public String policy(Instant expiration) {
        return "{\"expiration\":\"" + DateTimeFormatter.ISO_INSTANT.format(expiration) + "\",\"conditions\":["
                + String.join(",", conditions) + "]}";
    }

    /**
     * Signs with SigV4: adds x-amz-algorithm, x-amz-credential, x-amz-date (each with its eq condition), policy and
     * x-amz-signature.
     */
    public PostForm signV4(AccessKey key, String region, Instant now, Instant expiration) {
        String date = AMZ.format(now);
        String credential = key.accessKeyId() + "/" + date.substring(0, 8) + "/" + region + "/s3/aws4_request";
        field("x-amz-algorithm", "AWS4-HMAC-SHA256").condition("{\"x-amz-algorithm\":\"AWS4-HMAC-SHA256\"}");
        field("x-amz-credential", credential).condition("{\"x-amz-credential\":\"" + credential + "\"}");
        field("x-amz-date", date).condition("{\"x-amz-date\":\"" + date + "\"}");
        String policy = Base64.getEncoder().encodeToString(policy(expiration).getBytes(StandardCharsets.UTF_8));
        byte[] k = hmac("HmacSHA256", ("AWS4" + key.secretKey()).getBytes(StandardCharsets.UTF_8),
                date.substring(0, 8));
        k = hmac("HmacSHA256", k, region);
        k = hmac("HmacSHA256", k, "s3");
        k = hmac("HmacSHA256", k, "aws4_request");
        field("policy", policy);
        field("x-amz-signature", HexFormat.of().formatHex(hmac("HmacSHA256", k, policy)));
        return this;
    }

    /** Signs with SigV2: AWSAccessKeyId, policy, signature = Base64(HMAC-SHA1(secret, policy)). */
    public PostForm signV2(AccessKey key, Instant expiration) {
        String policy = Base64.getEncoder().encodeToString(policy(expiration).getBytes(StandardCharsets.UTF_8));
        field("AWSAccessKeyId", key.accessKeyId());
        field("policy", policy);
        field("signature", Base64.getEncoder().encodeToString(hmac("HmacSHA1",
                key.secretKey().getBytes(StandardCharsets.UTF_8), policy)));
        return this;
    }

    private static byte[] hmac(String alg, byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(alg);
            mac.init(new SecretKeySpec(key, alg));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Posts the fields and a file of {@code content} to {@code bucketUrl}. */
    public HttpResponse<String> post(URI bucketUrl, byte[] content) throws IOException, InterruptedException {
        return post(bucketUrl, content.length, () -> new java.io.ByteArrayInputStream(content));
    }

    /** Posts with the file streamed from {@code content} ({@code length} bytes), never held whole. */
    public HttpResponse<String> post(URI bucketUrl, long length, Supplier<InputStream> content)
            throws IOException, InterruptedException {
        String boundary = "----DualkeyFormBoundary" + Long.toHexString(System.nanoTime());
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            head.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey()
                    + "\"\r\n\r\n" + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        head.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] headBytes = head.toByteArray();
        long total = headBytes.length + length + tail.length;
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(java.util.Collections
                        .enumeration(List.of(new java.io.ByteArrayInputStream(headBytes), content.get(),
                                new java.io.ByteArrayInputStream(tail))))), total);
        return HTTP.send(HttpRequest.newBuilder(bucketUrl).POST(body)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
