package dev.dualkey.compat.bench;

import java.util.List;

/**
 * One account's root user prepared for MFA Delete: its keys, its virtual MFA devices (all enabled for
 * {@code root}) and its two buckets of the delete workloads, both versioned, only {@code mfaBucket} with MFA
 * Delete Enabled. Not thread-safe: one benchmark thread.
 */
final class MfaRoot {
    private final RootKeys keys;
    private final List<VirtualMfaDevice> devices;
    private final String plainBucket;
    private final String mfaBucket;
    private int nextDevice;

    MfaRoot(RootKeys keys, List<VirtualMfaDevice> devices, String plainBucket, String mfaBucket) {
        this.keys = keys;
        this.devices = List.copyOf(devices);
        this.plainBucket = plainBucket;
        this.mfaBucket = mfaBucket;
    }

    RootKeys keys() {
        return keys;
    }

    List<VirtualMfaDevice> devices() {
        return devices;
    }

    String plainBucket() {
        return plainBucket;
    }

    String mfaBucket() {
        return mfaBucket;
    }

    /** Codes the server would accept from this root's devices until the end of {@code wallStep}. */
    int usableCodes(long wallStep) {
        return devices.stream().mapToInt(d -> d.usableCodes(wallStep)).sum();
    }

    /**
     * An {@code x-amz-mfa} value the server accepts now, from the next device (round robin) that has a usable
     * code, or null when none has.
     */
    String nextHeader(long wallStep) {
        for (int i = 0; i < devices.size(); i++) {
            VirtualMfaDevice d = devices.get((nextDevice + i) % devices.size());
            long step = d.usableStep(wallStep);
            if (step != VirtualMfaDevice.NONE) {
                nextDevice = (nextDevice + i + 1) % devices.size();
                return d.consume(step);
            }
        }
        return null;
    }
}
