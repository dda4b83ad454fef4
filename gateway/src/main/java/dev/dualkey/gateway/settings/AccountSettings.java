package dev.dualkey.gateway.settings;

import dev.dualkey.gateway.alert.AccountAlertTargets;
import dev.dualkey.gateway.alert.AlertTarget;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An account's settings record in the state store: today the receiver of its security events (alert webhook).
 *
 * <p>Byte layout, space {@value #SPACE}. Key: account id (UTF-8) || 0x00 || setting name (UTF-8, {@code
 * alert-webhook}). Value, version 1: 0x01 || url length (2 B BE) || url (UTF-8) || sealed secret length (2 B BE,
 * 0: none) || sealed secret ({@link SecretBox}, AAD {@code alert-webhook-secret:ACCOUNT}: a sealed secret copied
 * to another account's record does not open) || changed at (epoch ms, 8 B BE) || changed by length (2 B BE) ||
 * changed by (principal ARN, UTF-8). Readers ignore trailing bytes, so later versions may append fields.
 *
 * <p>Every change commits in one transaction with its audit record ({@code console:SetAlertWebhook}, outcome OK,
 * the actor and the browser's address; the record names only the receiver's scheme, host and port, since a chat
 * webhook's path is itself a credential). The secret is sealed under the master key before it reaches the store,
 * never written in clear (deleted values stay readable in RocksDB files until compaction).
 *
 * <p>The change's own event ({@code alerts.webhook_changed}) is queued when its record is staged, and the delivery
 * thread reads the account's receiver when it sends: that one event may go to the old receiver or the new one (the
 * operator's receiver gets it either way); every later event goes to the new one.
 *
 * <p>Who may call {@link #setWebhook}: only the console's Settings page, after it checked that the caller is the
 * account's root and proved a current MFA code. No S3, IAM, STS or admin request reaches it.
 */
public final class AccountSettings implements AccountAlertTargets {
    /** The space (column family) name. */
    public static final String SPACE = "gateway.account_settings";
    /** Its column family, to open the database with (identity store families). */
    public static final ColumnFamilySpec FAMILY = ColumnFamilySpec.of(SPACE,
            "accountId 00 settingName :- 01 || url || sealedSecret || changedAt || changedBy");
    /** The audit action of a change (and of a refused attempt). */
    public static final String ACTION = "console:SetAlertWebhook";
    private static final String WEBHOOK = "alert-webhook";
    private static final byte VERSION = 1;
    /** Longest secret accepted, in bytes. */
    public static final int MAX_SECRET_BYTES = 512;

    private final KvStore kv;
    private final SecretBox box;
    private final AuditLog audit;
    private final Clock clock;

    /**
     * One account's receiver as stored.
     *
     * @param target    URL and secret
     * @param changedAt when root last set it
     * @param changedBy the principal ARN that set it
     */
    public record Webhook(AlertTarget target, Instant changedAt, String changedBy) {
    }

    public AccountSettings(KvStore kv, SecretBox box, AuditLog audit, Clock clock) {
        this.kv = Objects.requireNonNull(kv, "kv");
        this.box = Objects.requireNonNull(box, "box");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The account's receiver, if its root set one. */
    public Optional<Webhook> webhook(String accountId) {
        return kv.get(SPACE, key(accountId, WEBHOOK)).map(v -> decode(accountId, v));
    }

    @Override
    public Optional<AlertTarget> forAccount(String accountId) {
        return webhook(accountId).map(Webhook::target);
    }

    /**
     * Sets ({@code target} not null) or removes (null) the account's receiver, with its audit record, atomically.
     * The caller (the Settings page) has checked that {@code principalArn} is the account's root and proved a
     * current MFA code.
     */
    public void setWebhook(String accountId, String principalArn, AlertTarget target, String clientAddress) {
        Instant now = clock.instant();
        AuditRecord record = new AuditRecord(now, accountId, principalArn, null, ACTION, null, null, null, null,
                "OK", clientAddress, target == null ? "receiver removed" : "receiver " + target.origin()
                + (target.secret() != null ? " (signed)" : ""));
        byte[] k = key(accountId, WEBHOOK);
        kv.write(txn -> {
            if (target == null) {
                txn.delete(SPACE, k);
            } else {
                txn.put(SPACE, k, encode(accountId, target, now, principalArn));
            }
            audit.append(txn, record);
        });
    }

    /** Records a refused attempt to change the receiver (not root, no code, wrong or replayed code). */
    public void refused(String accountId, String principalArn, String clientAddress, String reason) {
        audit.append(new AuditRecord(clock.instant(), accountId, principalArn, null, ACTION, null, null, null, null,
                "DENIED", clientAddress, reason));
    }

    static byte[] key(String accountId, String setting) {
        byte[] a = accountId.getBytes(StandardCharsets.UTF_8);
        byte[] s = setting.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(a.length + 1 + s.length).put(a).put((byte) 0).put(s).array();
    }

    private byte[] encode(String accountId, AlertTarget t, Instant at, String by) {
        byte[] url = t.url().toString().getBytes(StandardCharsets.UTF_8);
        byte[] sealed = t.secret() == null ? new byte[0] : box.seal(t.secret(), aad(accountId));
        byte[] who = by.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 2 + url.length + 2 + sealed.length + 8 + 2 + who.length).put(VERSION)
                .putShort((short) url.length).put(url).putShort((short) sealed.length).put(sealed)
                .putLong(at.toEpochMilli()).putShort((short) who.length).put(who).array();
    }

    private Webhook decode(String accountId, byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        if (b.get() != VERSION) {
            throw new IllegalStateException("unknown settings record version");
        }
        byte[] url = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(url);
        byte[] sealed = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(sealed);
        Instant at = Instant.ofEpochMilli(b.getLong());
        byte[] who = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(who);
        byte[] secret = sealed.length == 0 ? null : box.open(sealed, aad(accountId));
        return new Webhook(new AlertTarget(URI.create(new String(url, StandardCharsets.UTF_8)), secret), at,
                new String(who, StandardCharsets.UTF_8));
    }

    private static String aad(String accountId) {
        return "alert-webhook-secret:" + accountId;
    }
}
