package dev.dualkey.compat.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * ListObjectVersions pages of 1000 fetched without the SDK's response parsing (issue 19): each request is
 * SigV4-signed by the SDK's signer (unsigned payload) and sent with the JDK's HTTP/1.1 client; the body is read as
 * bytes and only the two next-page markers are picked out of it by string search. The bench's SDK row
 * ({@code list_versions_page}) includes the SDK parsing 1000 {@code <Version>} elements into objects on the load
 * generator's cores, which are the server's cores too; this row ({@code list_versions_page_raw}) is the same chain
 * of pages without that, so the two side by side show what the client costs. Pages follow one another as the SDK
 * row's do: after the last page the chain starts again from the first. One page at a time (not thread-safe).
 */
final class RawListPages {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsBasicCredentials credentials;
    private final URI endpoint;
    private final String bucket;
    private String keyMarker;
    private String versionIdMarker;
    /** Body bytes of the last page, for a sanity check by the caller. */
    volatile int lastBytes;
    /** While {@link #countAll} runs: the {@code <Version>} and {@code <DeleteMarker>} elements seen so far. */
    private long counted = -1;

    RawListPages(URI endpoint, String accessKey, String secretKey, String bucket) {
        this.endpoint = endpoint;
        this.credentials = AwsBasicCredentials.create(accessKey, secretKey);
        this.bucket = bucket;
    }

    /** The query of the chain's next page. */
    private Map<String, String> query() {
        Map<String, String> query = new TreeMap<>();
        query.put("versions", "");
        query.put("max-keys", "1000");
        if (keyMarker != null) {
            query.put("key-marker", keyMarker);
            query.put("version-id-marker", versionIdMarker);
        }
        return query;
    }

    /** The GET of the page with {@code query}, SigV4-signed in headers or, with a validity, in the query. */
    private SignedRequest sign(Map<String, String> query, Duration presignedFor) {
        SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(endpoint)
                .encodedPath("/" + bucket);
        query.forEach(b::putRawQueryParameter);
        return signer.sign(r -> {
            r.identity(credentials).request(b.build())
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false);
            if (presignedFor != null) {
                r.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, presignedFor);
            }
        });
    }

    /**
     * The chain of pages from the first to the last as presigned paths (path and query, SigV4 in the query, valid
     * {@code validity}), for a client that replays them without signing or parsing (wrk: the
     * {@code list_versions_page_raw} row). Walks the chain once to learn each page's markers; leaves it at its start.
     */
    List<String> presignedChain(Duration validity) {
        keyMarker = null;
        versionIdMarker = null;
        List<String> paths = new ArrayList<>();
        do {
            SdkHttpRequest signed = sign(query(), validity).request();
            paths.add(signed.encodedPath() + signed.encodedQueryParameters().map(q -> "?" + q).orElse(""));
            next().join();
        } while (keyMarker != null);
        return paths;
    }

    /** Fetches the next page of the chain; completes exceptionally on a status other than 200. */
    CompletableFuture<?> next() {
        Map<String, String> query = query();
        SignedRequest signed = sign(query, null);
        StringBuilder uri = new StringBuilder(endpoint.toString()).append('/').append(bucket).append('?');
        query.forEach((k, v) -> uri.append(k).append('=').append(encode(v)).append('&'));
        uri.setLength(uri.length() - 1);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(uri.toString())).GET();
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                values.forEach(v -> req.header(name, v));
            }
        });
        return http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray()).thenAccept(rsp -> {
            if (rsp.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + rsp.statusCode() + ": "
                        + new String(rsp.body(), StandardCharsets.UTF_8));
            }
            byte[] body = rsp.body();
            lastBytes = body.length;
            // the markers come before the entries, and are ASCII in the bench
            String xml = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.ISO_8859_1);
            keyMarker = element(xml, "NextKeyMarker");
            versionIdMarker = keyMarker == null ? null : element(xml, "NextVersionIdMarker");
            if (counted >= 0) {
                counted += occurrences(body, "<Version>") + occurrences(body, "<DeleteMarker>");
            }
        });
    }

    /**
     * The bucket's versions and delete markers, counted by walking every page from the first (blocking): about 6 ms
     * a page where the SDK's paginator takes 20-40 (it parses each page into objects), so the bench can count
     * 1,000,000 versions in seconds. Leaves the chain at its start. The markup is S3's: a key's text never holds a
     * {@code <}, so the element count is exact.
     */
    long countAll() {
        keyMarker = null;
        versionIdMarker = null;
        counted = 0;
        try {
            do {
                next().join();
            } while (keyMarker != null);
            return counted;
        } finally {
            counted = -1;
        }
    }

    private static long occurrences(byte[] body, String tag) {
        byte[] t = tag.getBytes(StandardCharsets.US_ASCII);
        long n = 0;
        outer:
        for (int i = 0; i <= body.length - t.length; i++) {
            for (int j = 0; j < t.length; j++) {
                if (body[i + j] != t[j]) {
                    continue outer;
                }
            }
            n++;
        }
        return n;
    }

    /** The text of the first {@code <name>} element, or null. */
    private static String element(String xml, String name) {
        int i = xml.indexOf("<" + name + ">");
        if (i < 0) {
            return null;
        }
        int from = i + name.length() + 2;
        return xml.substring(from, xml.indexOf('<', from));
    }

    private static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~");
    }
}
