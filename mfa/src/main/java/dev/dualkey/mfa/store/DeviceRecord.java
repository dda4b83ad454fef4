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
 * @param apiThrottle     wrong codes through the API ({@code x-amz-mfa}, IAM Enable/Resync, console pages that
 *                        re-ask for a code): what a stolen access key can reach
 * @param consoleThrottle wrong codes at console sign-in (after the password), counted apart so that a key thief
 *                        hammering the API cannot lock the owner out of the console
 * @param usedSteps       the latest accepted steps, oldest first, at most {@value #USED_STEPS_KEPT}: a code of one
 *                        of them, however old, is recognised as a replay (refused, not counted as a guess)
 */
public record DeviceRecord(String serial, DeviceType type, String accountId, String path, String name,
                           byte[] sealedSeed, Instant createDate, String userName, Instant enableDate,
                           long driftSteps, long lastUsedStep, Map<String, String> tags, ThrottleState apiThrottle,
                           ThrottleState consoleThrottle, long[] usedSteps) {
    /** {@link #lastUsedStep} value meaning no code was ever accepted. */
    public static final long NO_STEP = Long.MIN_VALUE;
    /** How many accepted steps {@link #usedSteps} remembers. */
    public static final int USED_STEPS_KEPT = 16;

    public DeviceRecord {
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
        apiThrottle = apiThrottle == null ? ThrottleState.NONE : apiThrottle;
        consoleThrottle = consoleThrottle == null ? ThrottleState.NONE : consoleThrottle;
        usedSteps = usedSteps == null ? new long[0] : usedSteps.clone();
    }

    @Override
    public long[] usedSteps() {
        return usedSteps.clone();
    }

    /**
     * The layout-1 shape (one set of per-step counters, which were the API's): decodes old records and keeps
     * callers written against it compiling.
     */
    public DeviceRecord(String serial, DeviceType type, String accountId, String path, String name,
                        byte[] sealedSeed, Instant createDate, String userName, Instant enableDate, long driftSteps,
                        long lastUsedStep, Map<String, String> tags, long failStep, int failCount, long lockedUntil,
                        int lockLevel) {
        this(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate, driftSteps,
                lastUsedStep, tags, new ThrottleState(failStep, failCount, lockedUntil, lockLevel, new long[0]),
                ThrottleState.NONE, new long[0]);
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

    /**
     * Assigned (Enable), the pair's two steps consumed (up to {@code lastStep}): per-step lockouts cleared; the
     * rolling record of wrong codes stays with the device.
     */
    public DeviceRecord assign(String account, String user, Instant enabled, long drift, long lastStep) {
        return new DeviceRecord(serial, type, account, path, name, sealedSeed, createDate, user, enabled, drift,
                lastStep, tags, apiThrottle.cleared(), consoleThrottle.cleared(),
                used(usedSteps, lastStep - 1, lastStep));
    }

    /** Unassigned again; a hardware token also forgets its account so it can be enabled elsewhere. */
    public DeviceRecord unassign() {
        return new DeviceRecord(serial, type, type == DeviceType.HARDWARE ? null : accountId, path, name,
                sealedSeed, createDate, null, null, 0, lastUsedStep, tags, apiThrottle.cleared(),
                consoleThrottle.cleared(), usedSteps);
    }

    /** A code accepted at {@code step}; throttle state unchanged (see {@code DeviceThrottle.success}). */
    public DeviceRecord accepted(long step) {
        return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate,
                driftSteps, step, tags, apiThrottle, consoleThrottle, used(usedSteps, step));
    }

    /** {@code kept} followed by {@code added}, only the latest {@value #USED_STEPS_KEPT}. */
    private static long[] used(long[] kept, long... added) {
        long[] all = java.util.Arrays.copyOf(kept, kept.length + added.length);
        System.arraycopy(added, 0, all, kept.length, added.length);
        return all.length <= USED_STEPS_KEPT ? all
                : java.util.Arrays.copyOfRange(all, all.length - USED_STEPS_KEPT, all.length);
    }

    /** Resync: new drift, the pair's two steps consumed (up to {@code step}); throttle state unchanged. */
    public DeviceRecord resynced(long drift, long step) {
        return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate,
                drift, step, tags, apiThrottle, consoleThrottle, used(usedSteps, step - 1, step));
    }

    public DeviceRecord withThrottle(ThrottleState api, ThrottleState console) {
        return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate,
                driftSteps, lastUsedStep, tags, api, console, usedSteps);
    }

    public DeviceRecord withTags(Map<String, String> newTags) {
        return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate,
                driftSteps, lastUsedStep, newTags, apiThrottle, consoleThrottle, usedSteps);
    }

    /** The same device with its seed sealed anew (master key rotation). */
    public DeviceRecord withSealedSeed(byte[] sealed) {
        return new DeviceRecord(serial, type, accountId, path, name, sealed, createDate, userName, enableDate,
                driftSteps, lastUsedStep, tags, apiThrottle, consoleThrottle, usedSteps);
    }
}
