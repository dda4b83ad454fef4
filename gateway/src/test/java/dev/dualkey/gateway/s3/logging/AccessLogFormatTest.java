package dev.dualkey.gateway.s3.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The server access log line (AWS's LogFormat page) and the BucketLoggingStatus document. */
class AccessLogFormatTest {
    /** AWS's pattern for a log line: 26 fields. */
    private static final Pattern LINE = Pattern.compile("^(\\S+) (\\S+) \\[([^\\]]+)\\] (\\S+) (\\S+) (\\S+) (\\S+)"
            + " (\\S+) \"([^\"]*)\" (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) \"([^\"]*)\" \"([^\"]*)\" (\\S+) (\\S+)"
            + " (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+)$");

    @Test
    void lineHasAwsFieldsInAwsOrder() {
        AccessLogRecord r = new AccessLogRecord("111122223333", "photos", Instant.parse("2019-02-06T00:00:38Z"),
                "192.0.2.3", "arn:aws:iam::111122223333:user/alice", "3E57427F3EXAMPLE", "REST.PUT.OBJECT",
                "dir/a b+ü.jpg", "PUT /photos/dir/a%20b%2B%C3%BC.jpg HTTP/1.1", 403, "AccessDenied", 243, 0, 7,
                6L, null, "agent \"quoted\" 1.0", null, "hostid+/=", "SigV4", null, "AuthHeader",
                "photos.s3.example", null);
        Matcher m = LINE.matcher(r.toLine());
        assertTrue(m.matches(), r.toLine());
        assertEquals(AccessLogRecord.canonicalId("111122223333"), m.group(1));
        assertEquals(64, m.group(1).length());
        assertEquals("06/Feb/2019:00:00:38 +0000", m.group(3));
        assertEquals("arn:aws:iam::111122223333:user/alice", m.group(5));
        assertEquals("dir/a%20b%2B%C3%BC.jpg", m.group(8));
        assertEquals("403", m.group(10));
        assertEquals("AccessDenied", m.group(11));
        assertEquals("243", m.group(12));
        assertEquals("-", m.group(13), "no object size");
        assertEquals("-", m.group(16), "no referer");
        assertEquals("agent %22quoted%22 1.0", m.group(17));
        assertEquals("-", m.group(26));
    }

    @Test
    void requesterIsTheCanonicalIdOfRootAndTheArnOfAnIamUser() {
        assertEquals(AccessLogRecord.canonicalId("111122223333"),
                RequestRecorder.requester(dev.dualkey.gateway.auth.Principal.root("111122223333")));
        assertEquals("arn:aws:iam::111122223333:user/bob",
                RequestRecorder.requester(dev.dualkey.gateway.auth.Principal.user("111122223333", "bob")));
        assertNull(RequestRecorder.requester(null));
    }

    @Test
    void loggingStatusRoundTripsAndRefusesAwsInvalidShapes() {
        String xml = "<BucketLoggingStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LoggingEnabled>"
                + "<TargetBucket>logs</TargetBucket><TargetPrefix>src/</TargetPrefix><TargetGrants><Grant>"
                + "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">"
                + "<ID>abc</ID></Grantee><Permission>READ</Permission></Grant></TargetGrants>"
                + "<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>DeliveryTime</PartitionDateSource>"
                + "</PartitionedPrefix></TargetObjectKeyFormat></LoggingEnabled></BucketLoggingStatus>";
        LoggingStatus s = LoggingStatus.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertEquals("logs", s.targetBucket());
        assertEquals("src/", s.targetPrefix());
        assertEquals("CanonicalUser", s.grants().get(0).type());
        assertTrue(s.partitioned());
        assertEquals("DeliveryTime", s.dateSource());
        assertEquals(s, LoggingStatus.fromDocument(s.toDocument()), "the stored form reads back the same");
        assertNull(LoggingStatus.parse("<BucketLoggingStatus/>".getBytes(StandardCharsets.UTF_8)));
        for (String bad : new String[] {
            "<BucketLoggingStatus><LoggingEnabled><TargetPrefix>x</TargetPrefix></LoggingEnabled></BucketLoggingStatus>",
            "<BucketLoggingStatus><LoggingEnabled><TargetBucket>b</TargetBucket></LoggingEnabled></BucketLoggingStatus>",
            "<BucketLoggingStatus><LoggingEnabled><TargetBucket>b</TargetBucket><TargetPrefix/><TargetObjectKeyFormat>"
                    + "<SimplePrefix/><PartitionedPrefix/></TargetObjectKeyFormat></LoggingEnabled></BucketLoggingStatus>",
            "<LoggingStatus/>"}) {
            S3Exception e = assertThrows(S3Exception.class,
                    () -> LoggingStatus.parse(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertEquals("MalformedXML", e.error().code());
        }
    }
}
