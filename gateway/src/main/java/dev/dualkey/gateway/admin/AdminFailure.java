package dev.dualkey.gateway.admin;

/** A command refused or failed: its message is the one line the client prints. */
public final class AdminFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AdminFailure(String message) {
        super(message, null, false, false);
    }
}
