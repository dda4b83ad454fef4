package dev.dualkey.compat.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop driver: {@code inFlight} lanes, each issuing its next operation when the previous one completes,
 * until {@code maxOps} operations were started or {@code maxTime} has passed. Every latency is recorded (in
 * microseconds) into an HdrHistogram; throughput is the number of completed operations over the wall time from
 * the first start to the last completion.
 */
final class ClosedLoop {
    /** Outcome of one run. {@code bytes} is what the operations reported transferring (0 for small ops). */
    record Outcome(long ops, long errors, long elapsedNanos, Histogram latencyMicros, Throwable firstError) {
        double opsPerSecond() {
            return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
        }
    }

    private ClosedLoop() {
    }

    static Outcome run(int inFlight, long maxOps, Duration maxTime, LongFunction<CompletableFuture<?>> operation)
            throws InterruptedException {
        Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        CountDownLatch lanesFinished = new CountDownLatch(inFlight);
        long start = System.nanoTime();
        long deadline = start + maxTime.toNanos();
        AtomicLong lastCompletion = new AtomicLong(start);
        for (int lane = 0; lane < inFlight; lane++) {
            new Lane(operation, maxOps, deadline, next, done, errors, firstError, histogram, lastCompletion,
                    lanesFinished).issue();
        }
        if (!lanesFinished.await(maxTime.toNanos() + TimeUnit.MINUTES.toNanos(5), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("operations did not complete within " + maxTime.plusMinutes(5));
        }
        return new Outcome(done.get(), errors.get(), lastCompletion.get() - start, histogram, firstError.get());
    }

    /** One request in flight; re-issues itself from the completion callback. */
    private record Lane(LongFunction<CompletableFuture<?>> operation, long maxOps, long deadline, AtomicLong next,
                        AtomicLong done, AtomicLong errors, AtomicReference<Throwable> firstError,
                        Histogram histogram, AtomicLong lastCompletion, CountDownLatch finished) {
        void issue() {
            long index = next.getAndIncrement();
            if (index >= maxOps || System.nanoTime() - deadline > 0) {
                finished.countDown();
                return;
            }
            long t0 = System.nanoTime();
            CompletableFuture<?> future;
            try {
                future = operation.apply(index);
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            future.whenComplete((result, error) -> {
                long t1 = System.nanoTime();
                if (error != null) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, error);
                } else {
                    synchronized (histogram) {
                        histogram.recordValue(Math.max(1, (t1 - t0) / 1000));
                    }
                    done.incrementAndGet();
                }
                lastCompletion.accumulateAndGet(t1, Math::max);
                issue();
            });
        }
    }
}
