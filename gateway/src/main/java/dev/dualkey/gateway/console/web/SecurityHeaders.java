package dev.dualkey.gateway.console.web;

/**
 * Headers on every console response. The CSP allows only same-origin resources, no inline script or
 * style, images also from {@code data:} (the QR code), no framing, and forms posting only to the console.
 */
public final class SecurityHeaders {
    /** The Content-Security-Policy value. */
    public static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    /** Adds the headers; HSTS only under TLS (it would break a plain-HTTP loopback console otherwise). */
    public static ConsoleResponse apply(ConsoleResponse response, boolean secure) {
        response.header("Content-Security-Policy", CSP)
                .header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin")
                .header("Cross-Origin-Opener-Policy", "same-origin")
                .header("Cross-Origin-Resource-Policy", "same-origin")
                .header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        if (secure) {
            response.header("Strict-Transport-Security", "max-age=31536000");
        }
        return response;
    }
}
