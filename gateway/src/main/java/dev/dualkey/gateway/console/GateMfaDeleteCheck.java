package dev.dualkey.gateway.console;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.console.page.ConsoleUser;
import dev.dualkey.gateway.console.page.MfaDeleteCheck;
import dev.dualkey.gateway.mfadelete.MfaDeleteGate;
import dev.dualkey.gateway.mfadelete.MfaRequest;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;

/**
 * The console's MFA Delete check is the S3 API's {@link MfaDeleteGate}: the code typed into the page becomes
 * the {@code x-amz-mfa} value {@code "<serial> <code>"}, so gating rules (D1, D2, D8), one-time use, throttling
 * and audit records are exactly those of the API. The gate's S3 errors become plain words for the page.
 */
public final class GateMfaDeleteCheck implements MfaDeleteCheck {
    private final MfaDeleteGate gate;
    private final boolean secureTransport;

    /**
     * @param secureTransport whether the console listener counts as secure for {@code x-amz-mfa} (TLS, or
     *                        loopback-only), as the S3 listener decides it (D4)
     */
    public GateMfaDeleteCheck(MfaDeleteGate gate, boolean secureTransport) {
        this.gate = gate;
        this.secureTransport = secureTransport;
    }

    @Override
    public boolean required(BucketInfo bucket, Operation op, MfaDeleteState requestedMfaDelete) {
        // The gate's own rules, so the page asks for a code exactly when the check will demand one.
        return switch (op) {
            case DELETE_VERSION -> MfaDeleteGate.deleteNeedsCode(bucket, "any version id");
            case DELETE_OBJECT -> MfaDeleteGate.deleteNeedsCode(bucket, null);
            case PUT_VERSIONING -> MfaDeleteGate.versioningChangeNeedsCode(bucket, requestedMfaDelete);
        };
    }

    @Override
    public String check(ConsoleUser user, BucketInfo bucket, Operation op, MfaDeleteState requestedMfaDelete,
                        String key, String versionId, String serial, String code) {
        Principal principal = user.isRoot() ? Principal.root(user.accountId())
                : Principal.user(user.accountId(), user.userName());
        String header = code == null || code.isBlank() ? null
                : (serial == null || serial.isBlank() ? code.strip() : serial + " " + code.strip());
        MfaRequest request = new MfaRequest(principal, null, header, secureTransport, "console");
        try {
            switch (op) {
                case PUT_VERSIONING -> gate.checkPutBucketVersioning(request, bucket, requestedMfaDelete);
                case DELETE_VERSION -> gate.checkDeleteObject(request, bucket, key, versionId);
                case DELETE_OBJECT -> gate.checkDeleteObject(request, bucket, key, null);
                default -> throw new IllegalArgumentException(op.toString());
            }
            return null;
        } catch (S3Exception e) {
            return plainWords(e, serial);
        }
    }

    private static String plainWords(S3Exception e, String serial) {
        if (e.error() == S3ErrorCode.ACCESS_DENIED && e.getMessage() != null
                && e.getMessage().contains("bucket owner")) {
            return "Only the bucket owner's root user can do this while MFA Delete is on (or to turn it on or off).";
        }
        if (e.error() == S3ErrorCode.ACCESS_DENIED) {
            return "This needs an MFA code. Type the 6-digit code your MFA device shows now.";
        }
        if (e.error() == S3ErrorCode.INVALID_REQUEST) {
            return "MFA codes must travel over HTTPS: open the console with https:// (or on this machine only).";
        }
        if (serial == null || serial.isBlank()) {
            return "This needs a code from the root user's MFA device, and none is assigned. Assign one in "
                    + "My security credentials first.";
        }
        return "The MFA code was not accepted. Each code works once: wait for the next code and try again.";
    }
}
