package dev.dualkey.mfa.store;

import dev.dualkey.mfa.device.DeviceType;
import dev.dualkey.mfa.device.MfaDevice;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Persisted MFA device with its replay and throttle state. Changed only under the device lock, in one batch
 * with its audit record.
 *
 * @param accountId      owner account; null for an imported hardware token nobody enabled yet
 * @param path           virtual device path (null for hardware)
 * @param name           virtual device name (null for hardware)
 * @param sealedSeed     AES-GCM sealed seed, AAD {@code "seed:" + serial}
 * @param userName       assigned user (original case), null when unassigned
 * @param enableDate     null when unassigned
 * @param driftSteps     device clock offset in steps, recorded by Enable/Resync
 * @param lastUsedStep   latest accepted step; this and every earlier step are refused ({@link #NO_STEP} = none)
 * @param failStep       step in which {@code failCount} failures were counted
 * @param failCount      failed checks during {@code failStep}
 * @param lockedUntil    epoch second until which checks fail unevaluated (0 = not locked)
 * @param lockLevel      consecutive lockouts since the last success (drives the growing back-off)
 */
public record DeviceRecord(String serial, DeviceType type, String accountId, String path, String name,
                           byte[] sealedSeed, Instant createDate, String userName, Instant enableDate,
                           long driftSteps, long lastUsedStep, Map<String, String> tags, long failStep,
                           int failCount, long lockedUntil, int lockLevel) {
    /** {@link #lastUsedStep} value meaning no code was ever accepted. */
    public static final long NO_STEP = Long.MIN_VALUE;

    public DeviceRecord {
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    public static String aad(String serial) {
        return "seed:" + serial;
    }

    public MfaDevice view() {
        return new MfaDevice(serial, type, accountId, userName, enableDate, createDate, tags);
    }

    public boolean assigned() {
        return userName != null;
    }

    public DeviceRecord assign(String account, String user, Instant enabled, long drift, long lastStep) {
        return new DeviceRecord(serial, type, account, path, name, sealedSeed, createDate, user, enabled, drift,
                lastStep, tags, failStep, 0, 0, 0);
    }

    /** Unassigned again; a hardware token also forgets its account so it can be enabled elsewhere. */
    public DeviceRecord unassign() {
        return new DeviceRecord(serial, type, type == DeviceType.HARDWARE ? null : accountId, path, name,
                sealedSeed, createDate, null, null, 0, lastUsedStep, tags, failStep, 0, 0, 0);
    }

    public DeviceRecord accepted(long step) {
        return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate,
                driftSteps, step, tags, failStep, 0, 0, 0);
    }

    public DeviceRecord resynced(long drift, long step) {
        return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate,
                drift, step, tags, failStep, 0, 0, 0);
    }

    public DeviceRecord withThrottle(long step, int count, long until, int level) {
        return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate,
                driftSteps, lastUsedStep, tags, step, count, until, level);
    }

    public DeviceRecord withTags(Map<String, String> newTags) {
        return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate,
                driftSteps, lastUsedStep, newTags, failStep, failCount, lockedUntil, lockLevel);
    }
}
