package dev.dualkey.compat.bench;

import dev.dualkey.compat.mfadelete.Authenticator;

/**
 * A virtual MFA device as the load generator holds it: the serial, the seed, and what the server recorded for it
 * (the drift and the last accepted step), so that every code it sends is one the server accepts.
 *
 * <p>The server (MfaVerifier) accepts a code of step {@code s} when {@code s} is within
 * {@code wallStep + drift + {-1, 0, +1}} and {@code s > lastAcceptedStep}; the accepted step becomes the last
 * one. EnableMFADevice consumes two consecutive steps and records {@code drift = second - wallStep}. Enabling with
 * the codes of {@code w - 1} and {@code w} (drift 0, last {@code w}) leaves one code ({@code w + 1}) usable right
 * away; after that each device yields one new code per 30-second step, and up to 3 once it has rested 2 steps.
 * Taking the lowest usable step first keeps the higher ones for later. Not thread-safe: one benchmark thread.
 */
final class VirtualMfaDevice {
    /** A TOTP step (RFC 6238 default), in milliseconds of wall time. */
    static final long STEP_MILLIS = 30_000;
    /** No usable step now. */
    static final long NONE = Long.MIN_VALUE;
    /**
     * No code is sent in the last {@value} ms of a step: the server must check it within the step the load
     * generator computed it for (same machine, same clock), or the lowest step of the window may have expired.
     */
    static final long BOUNDARY_GUARD_MILLIS = 1500;

    private final String serial;
    private final Authenticator totp;
    private long drift;
    private long lastStep = NONE;

    VirtualMfaDevice(String serial, Authenticator totp) {
        this.serial = serial;
        this.totp = totp;
    }

    String serial() {
        return serial;
    }

    /** The two codes for EnableMFADevice at {@code wallStep} (steps {@code wallStep - 1} and {@code wallStep}). */
    String[] enableCodes(long wallStep) {
        return new String[] {totp.code(wallStep - 1), totp.code(wallStep)};
    }

    /** Records what EnableMFADevice with {@link #enableCodes} did on the server: drift 0, last step {@code wallStep}. */
    void enabled(long wallStep) {
        drift = 0;
        lastStep = wallStep;
    }

    /** The lowest step the server would accept now, or {@link #NONE}. */
    long usableStep(long wallStep) {
        long center = wallStep + drift;
        long lowest = Math.max(lastStep + 1, center - 1);
        return lastStep != NONE && lowest <= center + 1 ? lowest : NONE;
    }

    /** How many codes the server would accept from now to the end of this step, one after the other. */
    int usableCodes(long wallStep) {
        long step = usableStep(wallStep);
        return step == NONE ? 0 : (int) (wallStep + drift + 1 - step + 1);
    }

    /** The {@code x-amz-mfa} value ({@code SERIAL CODE}) for {@code step}, which the server then holds as used. */
    String consume(long step) {
        return serial + " " + consumeCode(step);
    }

    /** The bare code for {@code step} (STS GetSessionToken's TokenCode), which the server then holds as used. */
    String consumeCode(long step) {
        if (step == NONE || step <= lastStep) {
            throw new IllegalArgumentException("step " + step + " is not usable (last accepted " + lastStep + ")");
        }
        lastStep = step;
        return totp.code(step);
    }

    /**
     * The current step, after waiting (unmeasured) past the next step boundary when it is less than
     * {@link #BOUNDARY_GUARD_MILLIS} away.
     */
    static long wallStepAwayFromBoundary() throws InterruptedException {
        long now = System.currentTimeMillis();
        long left = STEP_MILLIS - Math.floorMod(now, STEP_MILLIS);
        if (left < BOUNDARY_GUARD_MILLIS) {
            Thread.sleep(left + 50);
            now = System.currentTimeMillis();
        }
        return stepOf(now);
    }

    /** Sleeps until 50 ms into the next step and returns it. */
    static long awaitNextStep() throws InterruptedException {
        long now = System.currentTimeMillis();
        Thread.sleep(STEP_MILLIS - Math.floorMod(now, STEP_MILLIS) + 50);
        return stepOf(System.currentTimeMillis());
    }

    private static long stepOf(long epochMillis) {
        return Math.floorDiv(epochMillis, STEP_MILLIS);
    }

    @Override
    public String toString() {
        return "VirtualMfaDevice[" + serial + "]";
    }
}
