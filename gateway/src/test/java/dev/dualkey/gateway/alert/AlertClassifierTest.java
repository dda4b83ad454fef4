package dev.dualkey.gateway.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.mfa.audit.AuditRecord;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The audit records that become alerts, and a few that must not. */
class AlertClassifierTest {
    private static final Instant T = Instant.parse("2026-06-01T00:00:00Z");
    private static final String ROOT = "arn:aws:iam::111111111111:root";

    private static Optional<String> type(String principal, String action, String outcome, String reason) {
        return AlertClassifier.classify(new AuditRecord(T, "111111111111", principal, null, action, "b", "k", "v",
                "serial", outcome, "10.0.0.1", reason));
    }

    @Test
    void securityEvents() {
        assertEquals(Optional.of("mfa.lockout"), type(ROOT, "s3:DeleteObjectVersion", "INVALID",
                "wrong code; 5 wrong codes in a step (api); locked for 30 s"));
        assertEquals(Optional.of("mfa.lockout"), type("root", "console:SignInMfa", "INVALID",
                "wrong code; 20 wrong codes in 24 h (console); locked for 3600 s"));
        assertEquals(Optional.of("mfa.refused"), type(ROOT, "s3:DeleteObjectVersion", "INVALID", "wrong code"));
        assertEquals(Optional.of("mfa.refused"), type(ROOT, "s3:PutBucketVersioning", "DENIED", "MISSING"));
        assertEquals(Optional.of("mfa.refused"), type(ROOT, "s3:DeleteObjectVersion", "LOCKED", "locked"));
        assertEquals(Optional.of("version.deleted_with_mfa"), type(ROOT, "s3:DeleteObjectVersion", "ACCEPTED", null));
        assertEquals(Optional.of("mfa_delete.changed"), type(ROOT, "s3:PutBucketVersioning", "ACCEPTED", null));
        assertEquals(Optional.of("signin.root"), type("root", "console:SignIn", "OK", "with MFA"));
        assertEquals(Optional.of("access_key.created"), type(ROOT, "iam:CreateAccessKey", "OK", null));
        assertEquals(Optional.of("mfa.device_deactivated"), type(ROOT, "iam:DeactivateMFADevice", "OK", null));
        assertEquals(Optional.of("root.mfa_deactivated_by_operator"),
                type("operator", "admin:DeactivateRootMfa", "OK", null));
    }

    @Test
    void routineRecordsAreNotAlerts() {
        assertEquals(Optional.empty(), type("alice", "console:SignIn", "OK", "with MFA"));
        assertEquals(Optional.empty(), type("root", "console:SignInMfa", "INVALID", "wrong code"));
        assertEquals(Optional.empty(), type(ROOT, "iam:CreateUser", "OK", null));
        assertEquals(Optional.empty(), type(ROOT, "iam:CreateAccessKey", "DENIED", null));
        assertEquals(Optional.empty(), type(ROOT, "sts:GetSessionToken", "ACCEPTED", null));
    }
}
