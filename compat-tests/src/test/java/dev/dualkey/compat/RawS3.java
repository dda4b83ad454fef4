package dev.dualkey.compat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Hand-built, SigV4-signed HTTP requests for what SDK clients will not send: a signing clock shifted past the
 * 15-minute skew window, a body that differs from the signed hash, {@code UNSIGNED-PAYLOAD}, presigned URLs
 * that are already expired, bucket names the SDKs reject locally, and checks of raw response headers and
 * error XML. Signing uses the SDK v2 {@link AwsV4HttpSigner}, so only the deliberately altered part differs
 * from what a real client sends.
 */
public final class RawS3 implements AutoCloseable {

    private final GatewayEndpoint gw;
    private final SdkHttpClient http;

    public RawS3(GatewayEndpoint gw) {
        this.gw = gw;
        ApacheHttpClient.Builder builder = ApacheHttpClient.builder();
        if (gw.isTls()) {
            builder.tlsTrustManagersProvider(() -> PinnedTls.trustManagers(gw.endpoint()));
        }
        this.http = builder.build();
    }

    /** Starts a request; {@code encodedPath} is sent as is (already percent-encoded), e.g. {@code /bucket/key}. */
    public Request request(String method, String encodedPath) {
        return new Request(SdkHttpMethod.fromValue(method), encodedPath);
    }

    @Override
    public void close() {
        http.close();
    }

    /** A request under construction; every setter returns {@code this}. */
    public final class Request {
        private final SdkHttpMethod method;
        private final String encodedPath;
        private final Map<String, List<String>> query = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, String> unsignedHeaders = new LinkedHashMap<>();
        private String region = gw.region();
        private String service = "s3";
        private byte[] body = new byte[0];
        private byte[] sentBody;
        private AccessKey key = gw.root();
        private Clock clock = Clock.systemUTC();
        private boolean payloadSigning = true;
        private Duration presignedFor;

        private Request(SdkHttpMethod method, String encodedPath) {
            this.method = method;
            this.encodedPath = encodedPath;
        }

        public Request query(String name, String value) {
            query.put(name, List.of(value));
            return this;
        }

        public Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** A header added to the wire after signing (what an attacker holding a signed request can do). */
        public Request unsignedHeader(String name, String value) {
            unsignedHeaders.put(name, value);
            return this;
        }

        /** Signs for another region than the gateway's. */
        public Request region(String signingRegion) {
            this.region = signingRegion;
            return this;
        }

        /** Signs for another service than {@code s3}. */
        public Request service(String signingService) {
            this.service = signingService;
            return this;
        }

        public Request body(byte[] bytes) {
            this.body = bytes.clone();
            return this;
        }

        public Request body(String utf8) {
            return body(utf8.getBytes(StandardCharsets.UTF_8));
        }

        /** Signs for {@link #body} but sends {@code bytes} instead (same length, different content). */
        public Request sendDifferentBody(byte[] bytes) {
            this.sentBody = bytes.clone();
            return this;
        }

        public Request key(AccessKey signingKey) {
            this.key = signingKey;
            return this;
        }

        /** The clock the signer reads the request time from. */
        public Request signingClock(Clock signingClock) {
            this.clock = signingClock;
            return this;
        }

        /** {@code false} signs {@code x-amz-content-sha256: UNSIGNED-PAYLOAD}. */
        public Request payloadSigning(boolean enabled) {
            this.payloadSigning = enabled;
            return this;
        }

        /** Signs in the query string (a presigned URL) valid for {@code expiry} from the signing clock. */
        public Request presigned(Duration expiry) {
            this.presignedFor = expiry;
            return this;
        }

        /** The signed request as it will go on the wire (for presigned URLs: {@link SdkHttpRequest#getUri()}). */
        public SignedRequest sign() {
            SdkHttpFullRequest.Builder unsigned = SdkHttpFullRequest.builder()
                    .method(method)
                    .uri(gw.endpoint())
                    .encodedPath(encodedPath)
                    .rawQueryParameters(query);
            headers.forEach(unsigned::putHeader);
            if (presignedFor == null && (body.length > 0 || method == SdkHttpMethod.PUT || method == SdkHttpMethod.POST)) {
                unsigned.putHeader("Content-Length", Integer.toString(body.length));
            }
            return AwsV4HttpSigner.create().sign(r -> {
                r.identity(AwsCredentialsIdentity.create(key.accessKeyId(), key.secretKey()))
                        .request(unsigned.build())
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, payloadSigning)
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock);
                if (presignedFor != null) {
                    r.putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                            .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, presignedFor);
                }
            });
        }

        /** Signs and sends the request; the whole response body is read (tests use small bodies). */
        public Response send() {
            SignedRequest signed = sign();
            byte[] wire = sentBody != null ? sentBody : body;
            SdkHttpRequest wireRequest = signed.request();
            if (!unsignedHeaders.isEmpty()) {
                SdkHttpRequest.Builder b = wireRequest.toBuilder();
                unsignedHeaders.forEach(b::putHeader);
                wireRequest = b.build();
            }
            HttpExecuteRequest.Builder exec = HttpExecuteRequest.builder().request(wireRequest);
            if (wire.length > 0) {
                exec.contentStreamProvider(ContentStreamProvider.fromByteArray(wire));
            }
            try {
                HttpExecuteResponse response = http.prepareRequest(exec.build()).call();
                byte[] bytes;
                Optional<? extends InputStream> stream = response.responseBody();
                if (stream.isPresent()) {
                    try (InputStream in = stream.get()) {
                        bytes = in.readAllBytes();
                    }
                } else {
                    bytes = new byte[0];
                }
                return new Response(response.httpResponse().statusCode(), response.httpResponse().headers(), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Status, headers (case-insensitive names) and body of a raw exchange. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {

        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Parsed XML body (namespace-unaware, so element names match S3's documented local names). */
        public Document xml() {
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            } catch (Exception e) {
                throw new AssertionError("response body is not XML: " + bodyText(), e);
            }
        }

        /** Text of the first element named {@code tag}, or empty. */
        public Optional<String> xmlText(String tag) {
            NodeList nodes = xml().getElementsByTagName(tag);
            return nodes.getLength() == 0 ? Optional.empty() : Optional.of(nodes.item(0).getTextContent());
        }

        /** Texts of every element named {@code tag}, in document order. */
        public List<String> xmlTexts(String tag) {
            NodeList nodes = xml().getElementsByTagName(tag);
            return java.util.stream.IntStream.range(0, nodes.getLength())
                    .mapToObj(i -> nodes.item(i).getTextContent()).toList();
        }

        /** The S3 error code of an {@code <Error>} body. */
        public String errorCode() {
            return xmlText("Code").orElseThrow(() -> new AssertionError("no <Code> in: " + bodyText()));
        }
    }

    /** Convenience: the URI a presigned request points at. */
    public static URI uriOf(SignedRequest signed) {
        return signed.request().getUri();
    }
}
