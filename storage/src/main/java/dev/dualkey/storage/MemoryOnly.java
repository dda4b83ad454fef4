package dev.dualkey.storage;

import java.util.function.Supplier;

/**
 * A per-thread "answer from memory or not at all" mode (issue 19: GET and HEAD of small inline objects on the
 * Netty event loop). While a thread runs {@link #attempt}, every read that could block refuses with
 * {@link WouldBlock} instead: a RocksDB point read or iterator that would need a block not in the block cache (read
 * tier {@code kBlockCacheTier}: memtables and cached blocks only, no file opened), a lock that is held
 * ({@code tryLock} without waiting), a blob file, a remote state store (etcd), an upstream object store. The caller
 * catches {@link WouldBlock} and runs the same request again on a thread that may block, so the answer is always the
 * one the blocking path gives: the mode changes where a request runs, never what it decides.
 *
 * <p>Why a thread-local flag rather than a second, memory-only code path: the request runs exactly the code that
 * runs on the storage executor (authentication, the one authorization decision, the store's reads), and only the
 * leaves that could block look at the flag.
 */
public final class MemoryOnly {
    private static final ThreadLocal<boolean[]> ACTIVE = ThreadLocal.withInitial(() -> new boolean[1]);

    private MemoryOnly() {
    }

    /** True while the current thread runs inside {@link #attempt}. */
    public static boolean active() {
        return ACTIVE.get()[0];
    }

    /** Refuses with {@link WouldBlock} when the current thread may not block; {@code what} names the read. */
    public static void check(String what) {
        if (active()) {
            throw new WouldBlock(what);
        }
    }

    /**
     * Runs {@code work} with blocking reads refused; {@link WouldBlock} (anywhere in a thrown exception's cause
     * chain) is rethrown as itself so that the caller can fall back. Not reentrant: a nested attempt runs in the
     * outer one's mode and leaves it on.
     */
    public static <T> T attempt(Supplier<T> work) {
        boolean[] flag = ACTIVE.get();
        if (flag[0]) {
            return work.get();
        }
        flag[0] = true;
        try {
            return work.get();
        } catch (RuntimeException e) {
            WouldBlock w = find(e);
            throw w != null ? w : e;
        } finally {
            flag[0] = false;
        }
    }

    /** The {@link WouldBlock} in {@code t}'s cause chain, or null. */
    public static WouldBlock find(Throwable t) {
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof WouldBlock w) {
                return w;
            }
        }
        return null;
    }

    /**
     * A read would have blocked (disk, a held lock, the network). Deliberately not a {@code StorageException}: no
     * code that turns storage failures into S3 errors may catch it. No stack trace (it is a control-flow signal).
     */
    public static final class WouldBlock extends RuntimeException {
        public WouldBlock(String what) {
            super(what, null, false, false);
        }
    }
}
