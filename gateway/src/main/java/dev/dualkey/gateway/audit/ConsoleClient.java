package dev.dualkey.gateway.audit;

import java.util.function.Supplier;

/**
 * The client address of the console request being handled on this thread, for the audit records that the
 * console's IAM operations and MFA-protected changes write several calls below the page that knows the request.
 *
 * <p>Why a thread binding and not a parameter: a console page runs its whole request on one executor thread
 * ({@code ConsoleHttpHandler} runs {@code ConsoleApp.handle} there, synchronously, and nothing it calls hops to
 * another thread before the audit record is written), and the services in between (the IAM operations shared with
 * the API, {@code ProtectedOperations}) already take the address as a field of their call; threading it through
 * every page method would touch some forty signatures. {@link #during} always unbinds, so a pooled thread never
 * carries one request's address into the next.
 */
public final class ConsoleClient {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private ConsoleClient() {
    }

    /** Runs {@code work} with {@code address} bound to this thread. */
    public static <T> T during(String address, Supplier<T> work) {
        String outer = CURRENT.get();
        CURRENT.set(address);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The bound address, or {@code fallback} outside a console request (or when the address is unknown). */
    public static String currentOr(String fallback) {
        String a = CURRENT.get();
        return a == null || a.isEmpty() ? fallback : a;
    }
}
