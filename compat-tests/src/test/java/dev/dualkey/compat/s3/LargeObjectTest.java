package dev.dualkey.compat.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.ChildGateway;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A 1 GiB object up and down through SDK v2 against a gateway in a child JVM limited to {@code -Xmx256m}: the
 * gateway must stream with back-pressure. The payload is generated on the fly and its MD5 computed while it
 * is read back, so the test JVM never holds the object either. {@code -Dcompat.largeObjectBytes} changes the
 * size; with {@code -Dcompat.endpoint} the attached server is used instead of a child.
 */
@ExtendWith(GatewayExtension.class)
class LargeObjectTest {

    private static final long SIZE = Long.getLong("compat.largeObjectBytes", 1L << 30);

    @Test
    void oneGibibyteThroughA256MiBGateway(GatewayEndpoint attached) throws Exception {
        boolean external = System.getProperty("compat.endpoint") != null;
        ChildGateway child = external ? null : ChildGateway.start("256m");
        try {
            GatewayEndpoint gw = external ? attached : child.endpoint();
            try (S3Client s3 = Clients.v2(gw)) {
                String bucket = "compat-large-" + System.nanoTime();
                s3.createBucket(b -> b.bucket(bucket));
                String expectedMd5 = md5(new dev.dualkey.compat.PatternStream(SIZE));

                s3.putObject(b -> b.bucket(bucket).key("huge"),
                        RequestBody.fromContentProvider(() -> new dev.dualkey.compat.PatternStream(SIZE), SIZE, "application/octet-stream"));
                assertEquals(SIZE, s3.headObject(b -> b.bucket(bucket).key("huge")).contentLength());

                try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key("huge"))) {
                    assertEquals(SIZE, in.response().contentLength());
                    assertEquals(expectedMd5, md5(in), "MD5 of the downloaded object");
                } catch (IOException e) {
                    // a download cut short: the child's log says why (slow-client guard, IO error, ...)
                    throw new IOException(e.getMessage() + (child == null ? "" : "; child gateway log:\n" + child.log()), e);
                }
                assertEquals("\"" + expectedMd5 + "\"", s3.headObject(b -> b.bucket(bucket).key("huge")).eTag());
                s3.deleteObject(b -> b.bucket(bucket).key("huge"));
                s3.deleteBucket(b -> b.bucket(bucket));
            }
            if (child != null) {
                assertTrue(child.isAlive(), () -> "the child gateway died (out of memory?):\n" + child.log());
            }
        } finally {
            if (child != null) {
                child.close();
            }
        }
    }

    private static String md5(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            try (DigestInputStream digesting = new DigestInputStream(in, md)) {
                digesting.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
