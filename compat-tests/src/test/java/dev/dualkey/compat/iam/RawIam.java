package dev.dualkey.compat.iam;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.GatewayEndpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Hand-built IAM Query requests (SigV4, service {@code iam}) for inputs no SDK sends: no Action, unknown
 * actions, a wrong Version, broken form encoding, oversized values.
 */
final class RawIam implements AutoCloseable {
    private final GatewayEndpoint gw;
    private final SdkHttpClient http = ApacheHttpClient.builder().build();

    RawIam(GatewayEndpoint gw) {
        this.gw = gw;
    }

    /** POSTs {@code form} as the body, signed by {@code key} (or unsigned when {@code key} is null). */
    Response post(AccessKey key, String form) {
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(gw.endpoint())
                .encodedPath("/")
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        SdkHttpRequest request = key == null ? unsigned : AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(key.accessKeyId(), key.secretKey()))
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "iam")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)).request();
        HttpExecuteRequest exec = HttpExecuteRequest.builder().request(request)
                .contentStreamProvider(ContentStreamProvider.fromByteArray(body)).build();
        try {
            HttpExecuteResponse response = http.prepareRequest(exec).call();
            Optional<? extends InputStream> stream = response.responseBody();
            byte[] bytes = new byte[0];
            if (stream.isPresent()) {
                try (InputStream in = stream.get()) {
                    bytes = in.readAllBytes();
                }
            }
            return new Response(response.httpResponse().statusCode(), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /** Status and parsed IAM XML body. */
    record Response(int status, byte[] body) {
        Document xml() {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            } catch (Exception e) {
                throw new AssertionError("not XML: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }

        String element(String name) {
            return xml().getElementsByTagName(name).item(0).getTextContent();
        }
    }
}
