package dev.dualkey.gateway.exec;

import io.netty.channel.EventLoop;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded, named pool where every blocking call (RocksDB, file IO, credential lookup) runs, so that event
 * loops never block. Results hop back to the calling channel's event loop. When both the threads and the queue
 * are full, work is refused ({@link RejectedExecutionException}), which the front door answers with 503
 * SlowDown instead of queueing without bound.
 */
public final class StorageExecutor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageExecutor.class);
    private final ExecutorService pool;

    public StorageExecutor(int threads, int queueCapacity) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "storage-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), tf, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Runs work on the given pool (which must refuse with {@link RejectedExecutionException} rather than block);
     * tests pass a same-thread pool to drive the front door deterministically.
     */
    public StorageExecutor(ExecutorService pool) {
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
    }

    /**
     * Runs {@code work} on the pool and delivers its result or failure to {@code then} on {@code loop}.
     * A refused submission is delivered as a {@link RejectedExecutionException}, also on the loop.
     */
    public <T> void submit(Callable<T> work, EventLoop loop, BiConsumer<T, Throwable> then) {
        try {
            pool.execute(() -> {
                T result = null;
                Throwable failure = null;
                try {
                    result = work.call();
                } catch (Throwable t) {
                    failure = t;
                }
                T r = result;
                Throwable f = failure;
                loop.execute(() -> then.accept(r, f));
            });
        } catch (RejectedExecutionException e) {
            loop.execute(() -> then.accept(null, e));
        }
    }

    /** Runs work whose result nobody waits for (e.g. releasing a reader); failures are logged. */
    public void execute(Runnable work) {
        try {
            executeOrRefuse(work);
        } catch (RejectedExecutionException e) {
            work.run(); // releasing resources must not be lost; it is cheap and non-blocking in practice
        }
    }

    /**
     * Runs blocking work (e.g. a console page) on the pool, or refuses it with {@link RejectedExecutionException}
     * when the pool is saturated: unlike {@link #execute}, never on the caller's thread, which may be an event loop.
     */
    public void executeOrRefuse(Runnable work) {
        pool.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("storage task failed", e);
            }
        });
    }

    /** Stops accepting work and waits for running work to finish. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
