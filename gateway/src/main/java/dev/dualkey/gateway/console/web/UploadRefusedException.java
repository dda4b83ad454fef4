package dev.dualkey.gateway.console.web;

/** An upload was refused before any file byte was stored; carries the response to send. */
public final class UploadRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ConsoleResponse response;

    public UploadRefusedException(ConsoleResponse response) {
        super("upload refused with status " + response.status());
        this.response = response;
    }

    public ConsoleResponse response() {
        return response;
    }
}
