package dev.dualkey.compat.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code serve --warm-up} (issue 19; SECURITY.md W1) as an operator runs it: the warm-up's buckets, objects, account
 * and directory leave no trace in the served data directory or the temporary directory, and the server then serves
 * its own account only.
 */
class WarmUpServeTest {
    @Test
    @Timeout(180)
    void theWarmUpLeavesNoTraceAndItsDataIsNotServed(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path javaTmp = Files.createDirectory(tmp.resolve("java-tmp"));
        try (ServeProcess s = ServeProcess.start(data, Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + javaTmp),
                "--warm-up", "2s");
             S3Client s3 = Clients.v2(s.endpoint());
             software.amazon.awssdk.services.iam.IamClient iam = software.amazon.awssdk.services.iam.IamClient
                     .builder().endpointOverride(s.endpoint().endpoint())
                     .region(software.amazon.awssdk.regions.Region.AWS_GLOBAL)
                     .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                             s.endpoint().root().accessKeyId(), s.endpoint().root().secretKey()))
                     .build()) {
            assertTrue(s.log().contains("dualkey: warmed up in"), s.log());
            // the log says how many MFA-protected version deletes the warm-up's own device made (issue 19)
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("\\(\\d+ requests, (\\d+) of them MFA deletes, ").matcher(s.log());
            assertTrue(m.find(), s.log());
            assertTrue(Long.parseLong(m.group(1)) >= 1, "the warm-up's first version-deleter round: " + s.log());
            assertTrue(!s.log().contains("failed:"), "every warm-up request answered as expected: " + s.log());

            // the served account has no bucket: the warm-up's "warm-up" buckets were elsewhere
            assertEquals(0, s3.listBuckets().buckets().size());
            S3Exception e = org.junit.jupiter.api.Assertions.assertThrows(S3Exception.class,
                    () -> s3.headBucket(b -> b.bucket("warm-up")));
            assertEquals(404, e.statusCode());
            // nor its MFA Delete bucket, nor its MFA device (SECURITY.md MW1), whose serial the log never names
            S3Exception mfaBucket = org.junit.jupiter.api.Assertions.assertThrows(S3Exception.class,
                    () -> s3.headBucket(b -> b.bucket("warm-up-mfa")));
            assertEquals(404, mfaBucket.statusCode());
            assertEquals(0, iam.listVirtualMFADevices().virtualMFADevices().size());
            assertEquals(0, iam.listMFADevices().mfaDevices().size());
            assertTrue(!s.log().contains("mfa/warm-up"), s.log());

            // no warm-up directory is left in the temporary directory (RocksDB's extracted library may be)
            try (Stream<Path> left = Files.list(javaTmp)) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("dualkey-warm-up-"))
                        .toList());
            }
            // nothing in the data directory names the warm-up
            try (Stream<Path> all = Files.walk(data)) {
                assertEquals(List.of(), all.filter(p -> p.toString().contains("warm")).toList());
            }
        }
    }
}
