package dev.dualkey.gateway.lifecycle;

/**
 * A simple pacing limiter: {@link #acquire(int)} sleeps until the permits fit the rate since the limiter started
 * (with at most one second of saved-up burst). Real time (System.nanoTime), not the worker's rule clock: the rate
 * bounds the I/O the worker adds to the store, whatever day the rules think it is.
 */
final class Throttle {
    private final double perSecond;
    private long nextFreeNanos;

    /** @param perSecond permits per second; 0 or less: unlimited */
    Throttle(double perSecond) {
        this.perSecond = perSecond;
        this.nextFreeNanos = System.nanoTime();
    }

    /** Waits for {@code permits}; false when interrupted (the worker is stopping). */
    synchronized boolean acquire(int permits) {
        if (perSecond <= 0 || permits <= 0) {
            return true;
        }
        long now = System.nanoTime();
        nextFreeNanos = Math.max(nextFreeNanos, now - 1_000_000_000L);
        nextFreeNanos += (long) (permits * 1e9 / perSecond);
        long wait = nextFreeNanos - now;
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
