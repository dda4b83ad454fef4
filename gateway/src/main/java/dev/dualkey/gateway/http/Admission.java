package dev.dualkey.gateway.http;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listener's shared counters for {@link TransportLimits}: connections that have not carried an authenticated
 * request yet, and request-body bytes held in memory. Thread-safe (every event loop of the listener uses it).
 */
public final class Admission {
    private final TransportLimits limits;
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final AtomicLong heldBytes = new AtomicLong();

    public Admission(TransportLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public TransportLimits limits() {
        return limits;
    }

    /** Counts a new connection as unauthenticated; false (nothing counted) when the cap is reached. */
    boolean admitUnauthenticated() {
        while (true) {
            int n = unauthenticated.get();
            if (n >= limits.maxUnauthenticatedConnections()) {
                return false;
            }
            if (unauthenticated.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The connection authenticated a request or closed: it no longer counts. Call once per admitted connection. */
    void leaveUnauthenticated() {
        unauthenticated.decrementAndGet();
    }

    /** Reserves {@code bytes} of the held-body budget; false (nothing reserved) when it would go over. */
    boolean reserve(long bytes) {
        while (true) {
            long n = heldBytes.get();
            if (n + bytes > limits.maxHeldBodyBytes()) {
                return false;
            }
            if (heldBytes.compareAndSet(n, n + bytes)) {
                return true;
            }
        }
    }

    /** Gives back bytes {@link #reserve}d earlier. */
    void release(long bytes) {
        heldBytes.addAndGet(-bytes);
    }

    /** Connections counted as unauthenticated now (for tests and metrics). */
    public int unauthenticatedConnections() {
        return unauthenticated.get();
    }

    /** Body bytes held now (for tests and metrics). */
    public long heldBodyBytes() {
        return heldBytes.get();
    }
}
