package dev.dualkey.compat.mfadelete;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.mfa.audit.AuditRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * Every MFA-protected request, allowed or refused, leaves an audit record (read through the mfa module's audit
 * API of the running server) with time, account, principal, access key id, bucket, key, version id, device
 * serial and outcome, and no record anywhere holds a code that was sent.
 */
class MfaDeleteAuditTest {

    @Test
    void everyGatedRequestIsAuditedWithoutItsCode() {
        try (MfaDeleteServer server = MfaDeleteServer.loopback();
             IamClient iam = Iam.client(server.endpoint(), server.endpoint().root());
             S3Client s3 = Clients.v2(server.endpoint())) {
            GatewayEndpoint gw = server.endpoint();
            String rootArn = "arn:aws:iam::" + server.accountId() + ":root";
            String rootKey = gw.root().accessKeyId();
            MfaDevice device = MfaDevice.virtual(iam, server.clock(), "root-mfa", "root");
            String serial = device.serial();
            AccessKey userKey = Iam.userAllowedEverything(iam, "auditor");
            List<String> codesSent = new ArrayList<>();

            s3.createBucket(b -> b.bucket("audited"));
            String enable = track(codesSent, device.header());
            s3.putBucketVersioning(b -> b.bucket("audited").mfa(enable)
                    .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
            String v1 = s3.putObject(b -> b.bucket("audited").key("doc"), RequestBody.fromString("1")).versionId();
            String v2 = s3.putObject(b -> b.bucket("audited").key("doc"), RequestBody.fromString("2")).versionId();

            assertS3Error(403, "AccessDenied", () -> s3.deleteObject(b -> b.bucket("audited").key("doc").versionId(v1)));
            String wrong = track(codesSent, device.header(device.wrongCode()));
            assertS3Error(400, "InvalidArgument",
                    () -> s3.deleteObject(b -> b.bucket("audited").key("doc").versionId(v1).mfa(wrong)));
            String codeOnly = track(codesSent, device.freshCode());
            assertS3Error(400, "InvalidArgument",
                    () -> s3.deleteObject(b -> b.bucket("audited").key("doc").versionId(v1).mfa(codeOnly)));
            String good = track(codesSent, device.header());
            try (S3Client user = Clients.v2(gw, userKey)) {
                assertS3Error(403, "AccessDenied",
                        () -> user.deleteObject(b -> b.bucket("audited").key("doc").versionId(v1).mfa(good)));
            }
            s3.deleteObject(b -> b.bucket("audited").key("doc").versionId(v1).mfa(good));
            assertS3Error(400, "InvalidArgument",
                    () -> s3.deleteObject(b -> b.bucket("audited").key("doc").versionId(v2).mfa(good)));
            String batch = track(codesSent, device.header());
            s3.deleteObjects(b -> b.bucket("audited").mfa(batch).delete(d -> d.objects(
                    ObjectIdentifier.builder().key("doc").versionId(v2).build())));

            List<AuditRecord> s3Records = server.auditLog().stream()
                    .filter(r -> r.action().startsWith("s3:")).toList();
            Predicate<AuditRecord> byRoot = r -> rootArn.equals(r.principal()) && rootKey.equals(r.accessKeyId());
            assertOne(s3Records, "enable", r -> byRoot.test(r) && r.action().equals("s3:PutBucketVersioning")
                    && r.outcome().equals("ACCEPTED") && serial.equals(r.deviceSerial()));
            assertOne(s3Records, "missing header", r -> byRoot.test(r) && r.action().equals("s3:DeleteObjectVersion")
                    && v1.equals(r.versionId()) && r.outcome().equals("DENIED") && r.deviceSerial() == null
                    && r.reason().startsWith("MISSING"));
            assertOne(s3Records, "wrong code", r -> byRoot.test(r) && v1.equals(r.versionId())
                    && r.outcome().equals("INVALID") && serial.equals(r.deviceSerial())
                    && r.reason().contains("wrong code"));
            assertOne(s3Records, "malformed", r -> byRoot.test(r) && v1.equals(r.versionId())
                    && r.outcome().equals("DENIED") && r.reason().startsWith("MALFORMED"));
            assertOne(s3Records, "not the bucket owner", r -> r.principal().endsWith(":user/auditor")
                    && userKey.accessKeyId().equals(r.accessKeyId()) && v1.equals(r.versionId())
                    && r.outcome().equals("DENIED") && r.reason().startsWith("NOT_BUCKET_OWNER"));
            assertOne(s3Records, "accepted delete", r -> byRoot.test(r) && r.action().equals("s3:DeleteObjectVersion")
                    && v1.equals(r.versionId()) && r.outcome().equals("ACCEPTED") && serial.equals(r.deviceSerial()));
            assertOne(s3Records, "replay", r -> byRoot.test(r) && v2.equals(r.versionId())
                    && r.outcome().equals("INVALID") && r.reason().contains("replayed"));
            assertOne(s3Records, "delete objects", r -> byRoot.test(r) && r.action().equals("s3:DeleteObjects")
                    && r.outcome().equals("ACCEPTED"));
            assertEquals(8, s3Records.size(), s3Records.toString());
            for (AuditRecord r : s3Records) {
                assertEquals(server.accountId(), r.accountId(), r.toString());
                assertEquals("audited", r.bucket(), r.toString());
                assertTrue(r.time() != null, r.toString());
                if (r.action().equals("s3:DeleteObjectVersion")) {
                    assertEquals("doc", r.key(), r.toString());
                }
            }

            // No record, S3 or IAM, holds a code that was sent.
            for (AuditRecord r : server.auditLog()) {
                for (String code : codesSent) {
                    assertFalse(fields(r).anyMatch(f -> f.contains(code)), () -> "code in " + r);
                    // Version ids are hex and may hold any six digits by chance: they must only not be a code.
                    assertFalse(code.equals(r.versionId()), () -> "code in " + r);
                }
            }
        }
    }

    /** Remembers the 6-digit code of a header (or a bare code) and returns the header. */
    private static String track(List<String> codes, String header) {
        String[] parts = header.split(" ");
        codes.add(parts[parts.length - 1]);
        return header;
    }

    private static void assertOne(List<AuditRecord> records, String what, Predicate<AuditRecord> match) {
        assertEquals(1, records.stream().filter(match).count(), () -> what + " in " + records);
    }

    /** The text fields of a record, except the version id (checked separately). */
    private static Stream<String> fields(AuditRecord r) {
        return Arrays.stream(new String[] {r.accountId(), r.principal(), r.accessKeyId(), r.action(), r.bucket(),
                r.key(), r.deviceSerial(), r.outcome(), r.clientAddress(), r.reason()})
                .filter(Objects::nonNull);
    }
}
