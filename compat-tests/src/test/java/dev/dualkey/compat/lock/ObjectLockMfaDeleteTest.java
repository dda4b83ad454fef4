package dev.dualkey.compat.lock;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.mfa.audit.AuditRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Object Lock on a bucket with MFA Delete Enabled (SDK v2). AWS: the two gates are independent, so deleting a
 * version there needs the owner's code whatever its lock, and the code never lifts COMPLIANCE or a legal hold.
 * Dualkey, beyond AWS: using the GOVERNANCE bypass there (a delete, or a retention shortened or removed) needs the
 * owner's code too, through the same MFA Delete gate, audited.
 */
class ObjectLockMfaDeleteTest {
    static final String MFA_REQUIRED = "Mfa Authentication must be used for this request";

    private static LockFixture fx;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        fx = LockFixture.shared();
        s3 = fx.root;
    }


    private static Instant inDays(int days) {
        return fx.storeClock.instant().plus(Duration.ofDays(days)).truncatedTo(ChronoUnit.SECONDS);
    }

    private static String putLocked(String b, String key, ObjectLockMode mode, Instant until) {
        return s3.putObject(r -> r.bucket(b).key(key).objectLockMode(mode).objectLockRetainUntilDate(until),
                RequestBody.fromString(key)).versionId();
    }

    @Test
    void complianceVersionNeedsItsDateAndThenTheCode() {
        String b = fx.lockBucketWithMfaDelete();
        String v = putLocked(b, "c", ObjectLockMode.COMPLIANCE, inDays(1));
        S3Exception e = assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("c")
                .versionId(v)));
        assertEquals(MFA_REQUIRED, e.awsErrorDetails().errorMessage(), "MFA first: no lock state without the code");
        e = assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("c").versionId(v)
                .mfa(fx.rootDevice().header()).bypassGovernanceRetention(true)));
        assertEquals(ObjectLockSdkV2Test.LOCKED, e.awsErrorDetails().errorMessage(), "the code lifts no lock");
        fx.storeClock.advance(Duration.ofDays(1).plusMinutes(1));
        e = assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("c").versionId(v)));
        assertEquals(MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        s3.deleteObject(r -> r.bucket(b).key("c").versionId(v).mfa(fx.rootDevice().header()));
        assertTrue(s3.listObjectVersions(r -> r.bucket(b).prefix("c")).versions().isEmpty());
    }

    @Test
    void governanceBypassNeedsPermissionHeaderAndCode() {
        String b = fx.lockBucketWithMfaDelete();
        String v = putLocked(b, "g", ObjectLockMode.GOVERNANCE, inDays(5));
        // shortening with the bypass: refused without the owner's code (beyond AWS), audited
        S3Exception e = assertS3Error(403, "AccessDenied", () -> s3.putObjectRetention(r -> r.bucket(b).key("g")
                .versionId(v).bypassGovernanceRetention(true).retention(ret -> ret
                        .mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(inDays(1)))));
        assertEquals(MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertTrue(fx.server.auditLog().stream().anyMatch(a -> "s3:BypassGovernanceRetention".equals(a.action())
                && "DENIED".equals(a.outcome()) && v.equals(a.versionId())), "the refusal is audited");
        // an IAM user with s3:* and its own key cannot give the owner's code
        AccessKey admin = fx.user(LockFixture.S3_ALL);
        try (S3Client adminS3 = Clients.v2(fx.gw, admin)) {
            assertS3Error(403, "AccessDenied", () -> adminS3.putObjectRetention(r -> r.bucket(b).key("g")
                    .versionId(v).bypassGovernanceRetention(true)
                    .overrideConfiguration(o -> o.putHeader("x-amz-mfa", fx.rootDevice().header()))
                    .retention(ret -> ret.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(inDays(1)))));
            assertS3Error(403, "AccessDenied", () -> adminS3.deleteObject(r -> r.bucket(b).key("g").versionId(v)
                    .bypassGovernanceRetention(true).mfa(fx.rootDevice().header())));
        }
        // extending needs no code
        s3.putObjectRetention(r -> r.bucket(b).key("g").versionId(v).retention(ret -> ret
                .mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(inDays(6))));
        // the owner with header and code: shortened, then deleted (a delete by version id needs the code anyway)
        Instant two = inDays(2);
        s3.putObjectRetention(r -> r.bucket(b).key("g").versionId(v).bypassGovernanceRetention(true)
                .overrideConfiguration(o -> o.putHeader("x-amz-mfa", fx.rootDevice().header()))
                .retention(ret -> ret.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(two)));
        assertEquals(two, s3.getObjectRetention(r -> r.bucket(b).key("g").versionId(v)).retention()
                .retainUntilDate());
        e = assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("g").versionId(v)
                .mfa(fx.rootDevice().header())));
        assertEquals(ObjectLockSdkV2Test.LOCKED, e.awsErrorDetails().errorMessage(), "code without bypass header");
        s3.deleteObject(r -> r.bucket(b).key("g").versionId(v).mfa(fx.rootDevice().header())
                .bypassGovernanceRetention(true));
        List<AuditRecord> accepted = fx.server.auditLog().stream()
                .filter(a -> "s3:BypassGovernanceRetention".equals(a.action()) && !"DENIED".equals(a.outcome()))
                .toList();
        assertTrue(!accepted.isEmpty(), "the accepted bypass code is audited");
    }
}
