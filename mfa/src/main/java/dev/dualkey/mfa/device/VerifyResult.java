package dev.dualkey.mfa.device;

import java.util.OptionalLong;

/** Outcome of {@link MfaVerifier#verify}: ACCEPTED carries the matched (now consumed) time step. */
public record VerifyResult(VerifyOutcome outcome, OptionalLong step, String serial) {
    public boolean accepted() {
        return outcome == VerifyOutcome.ACCEPTED;
    }

    static VerifyResult invalid(String serial) {
        return new VerifyResult(VerifyOutcome.INVALID, OptionalLong.empty(), serial);
    }

    static VerifyResult throttled(String serial) {
        return new VerifyResult(VerifyOutcome.THROTTLED, OptionalLong.empty(), serial);
    }
}
