package dev.dualkey.gateway.cli.admin;

/** An operator command failed: one line for stderr and the process exit code. */
final class AdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    AdminException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
