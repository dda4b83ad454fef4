package dev.dualkey.mfa.audit;

import java.time.Instant;

/**
 * One audit event. Any field but {@code time}, {@code action} and {@code outcome} may be null. Never carries a
 * one-time code, a password, a seed or a secret key: only identifiers and outcomes.
 *
 * <p>Client address: {@code clientAddress} is the address the request came from: the TCP peer, or, when that peer
 * is a proxy the operator declared trusted ({@code serve --trusted-proxy}), the client that proxy named in
 * {@code X-Forwarded-For}; {@code via} then lists the proxies it passed through (nearest last, the TCP peer being
 * the last). {@code local} marks an operator's admin command (the admin socket or an offline command), and records
 * written before client addresses were recorded everywhere may hold null. Callers that only have one text may
 * pass {@code "CLIENT via HOP, HOP"} as {@code clientAddress} (what {@link #viaText} builds): the constructor splits
 * it, so the gateway's one client-address string reaches the record whole through every service in between.
 *
 * @param principal     caller ARN (or user name for sign-in attempts, or {@code operator} for admin commands)
 * @param action        e.g. {@code s3:DeleteObjectVersion}, {@code iam:EnableMFADevice}, {@code console:SignIn}
 * @param outcome       e.g. {@code ACCEPTED}, {@code INVALID}, {@code THROTTLED}, {@code OK}, {@code DENIED}
 * @param reason        short machine-ish explanation of a refusal (for the operator, never sent to clients)
 * @param via           trusted proxies between the client and Dualkey, comma-separated, or null (appended to the
 *                      stored layout: records written before it read as null)
 */
public record AuditRecord(Instant time, String accountId, String principal, String accessKeyId, String action,
                          String bucket, String key, String versionId, String deviceSerial, String outcome,
                          String clientAddress, String reason, String via) {
    /** Separates the client from its proxies in the one-string form ({@code "CLIENT via HOP, HOP"}). */
    public static final String VIA = " via ";

    public AuditRecord {
        if (via == null && clientAddress != null) {
            int i = clientAddress.indexOf(VIA);
            if (i > 0) {
                via = clientAddress.substring(i + VIA.length());
                clientAddress = clientAddress.substring(0, i);
            }
        }
    }

    /** A record without proxies (or with them folded into {@code clientAddress}, see the class comment). */
    public AuditRecord(Instant time, String accountId, String principal, String accessKeyId, String action,
                       String bucket, String key, String versionId, String deviceSerial, String outcome,
                       String clientAddress, String reason) {
        this(time, accountId, principal, accessKeyId, action, bucket, key, versionId, deviceSerial, outcome,
                clientAddress, reason, null);
    }

    /** {@code client} alone, or {@code "client via hops"} when {@code hops} is not empty. */
    public static String viaText(String client, String hops) {
        return hops == null || hops.isEmpty() || client == null ? client : client + VIA + hops;
    }

    /** The client address with its proxies, as shown to people: {@code 203.0.113.5 via 10.0.0.2}. */
    public String clientWithVia() {
        return viaText(clientAddress, via);
    }

    /** Builder-style start for records that only need a few fields. */
    public static AuditRecord of(Instant time, String accountId, String principal, String action, String outcome) {
        return new AuditRecord(time, accountId, principal, null, action, null, null, null, null, outcome, null,
                null);
    }

    public AuditRecord withSerial(String serial) {
        return new AuditRecord(time, accountId, principal, accessKeyId, action, bucket, key, versionId, serial,
                outcome, clientAddress, reason, via);
    }

    public AuditRecord withReason(String why) {
        return new AuditRecord(time, accountId, principal, accessKeyId, action, bucket, key, versionId,
                deviceSerial, outcome, clientAddress, why, via);
    }

    public AuditRecord withClient(String address) {
        return new AuditRecord(time, accountId, principal, accessKeyId, action, bucket, key, versionId,
                deviceSerial, outcome, address, reason, null);
    }
}
