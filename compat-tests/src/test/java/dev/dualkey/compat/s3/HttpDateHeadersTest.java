package dev.dualkey.compat.s3;

import static dev.dualkey.compat.ExternalTool.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.ObjectMetadata;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.ExternalTool;
import dev.dualkey.compat.ExternalTool.Run;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code Date} and {@code Last-Modified} as S3 sends them and RFC 9110 (section 5.6.7) requires a server to: the
 * IMF-fixdate {@code Sat, 05 Dec 2026 07:01:02 GMT}, whose day of the month has two digits. The gateway used to
 * write {@code Sat, 5 Dec 2026 ...} on the 1st to the 9th of a month, which rclone (Go's {@code http.ParseTime})
 * could not read. The object store runs on a clock set to the 5th, so {@code Last-Modified} always has a one-digit
 * day here; the {@code Date} header is the real time's (the server's own clock), checked for its form whatever the
 * day, and for every day by {@code HttpDatesTest}.
 */
class HttpDateHeadersTest {
    /** A one-digit day of the month: the case the old formatter wrote without its leading zero. */
    private static final Instant DAY_FIVE = Instant.parse("2026-12-05T07:01:02Z");
    private static final Pattern IMF_FIXDATE = Pattern.compile(
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
                    + "[0-9]{2}:[0-9]{2}:[0-9]{2} GMT");

    private static MfaDeleteServer server;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        // the store's time runs from the 5th at 07:01:02 (a test run cannot reach the 6th)
        server = MfaDeleteServer.loopback(Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), DAY_FIVE)));
        s3 = Clients.v2(server.endpoint());
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    private static String header(SdkHttpResponse response, String name) {
        return response.firstMatchingHeader(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
    }

    private static void assertDayFive(String lastModified) {
        assertTrue(IMF_FIXDATE.matcher(lastModified).matches(), lastModified);
        assertTrue(lastModified.startsWith("Sat, 05 Dec 2026 07:"), lastModified);
    }

    @Test
    void headGetAndTheDeleteMarkersRefusalCarryImfFixdates() {
        String bucket = "dates-sdk";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("dated"));

        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("k"));
        assertEquals(200, head.sdkHttpResponse().statusCode());
        assertDayFive(header(head.sdkHttpResponse(), "Last-Modified"));
        assertTrue(IMF_FIXDATE.matcher(header(head.sdkHttpResponse(), "Date")).matches(),
                header(head.sdkHttpResponse(), "Date"));
        assertTrue(!head.lastModified().isBefore(DAY_FIVE) && head.lastModified().isBefore(DAY_FIVE.plusSeconds(3600)),
                "the SDK's reading: " + head.lastModified());

        ResponseBytes<GetObjectResponse> get = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k"));
        assertEquals("dated", get.asUtf8String());
        assertEquals(header(head.sdkHttpResponse(), "Last-Modified"),
                header(get.response().sdkHttpResponse(), "Last-Modified"));

        // a delete marker named by its version: 405 MethodNotAllowed, with the marker's Last-Modified
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        S3Exception refused = assertThrows(S3Exception.class,
                () -> s3.headObject(b -> b.bucket(bucket).key("k").versionId(marker)));
        assertEquals(405, refused.statusCode());
        assertDayFive(header(refused.awsErrorDetails().sdkHttpResponse(), "Last-Modified"));
    }

    @Test
    void sdkV1ReadsLastModifiedOfTheFifth() {
        String bucket = "dates-v1";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("dated"));
        AmazonS3 v1 = Clients.v1(server.endpoint());
        try {
            ObjectMetadata meta = v1.getObjectMetadata(bucket, "k");
            Instant read = meta.getLastModified().toInstant();
            assertTrue(!read.isBefore(DAY_FIVE) && read.isBefore(DAY_FIVE.plusSeconds(3600)), read.toString());
        } finally {
            v1.shutdown();
        }
    }

    @Test
    void rcloneParsesTheServersDatesAndReadsTheModificationTime(@TempDir Path dir) throws Exception {
        ExternalTool.require("rclone");
        String bucket = "dates-rclone";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("dated"));
        Run stat = run(dir, ExternalTool.rcloneRemote(dir, server.endpoint(), server.endpoint().root()),
                "rclone", "-vv", "lsjson", "--stat", "dk:" + bucket + "/k");
        assertEquals(0, stat.exit(), stat.output());
        assertFalse(stat.output().contains("Couldn't parse Date"), stat.output());
        // no rclone mtime metadata on an SDK upload: the modification time is S3's Last-Modified
        assertTrue(Pattern.compile("\"ModTime\":\\s*\"2026-12-05T07:").matcher(stat.output()).find(), stat.output());
    }
}
