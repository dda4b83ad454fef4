package dev.dualkey.mfa.testing;

import dev.dualkey.storage.kv.KvPair;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.kv.KvTxn;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A real {@link KvStore} whose next commit into a given space is interrupted by something real happening just
 * before it: another gateway's write (the commit then loses its compare-and-set in the real store) or the database
 * closing (the real store's commit throws, as on an I/O error). Everything else, the commit itself included, is the
 * real store's: this class never answers a commit on its own, so what the caller's listeners hear is what the real
 * store committed.
 */
public final class InterruptedKv implements KvStore {
    private final KvStore real;
    private String space;
    private Runnable interruption;

    public InterruptedKv(KvStore real) {
        this.real = Objects.requireNonNull(real, "real");
    }

    /** The wrapped store, for a second "gateway" sharing the state. */
    public KvStore real() {
        return real;
    }

    /**
     * Runs {@code interruption} once, at the start of the next commit whose transaction writes into {@code space},
     * before the real store checks its conditions.
     */
    public void beforeNextCommitInto(String space, Runnable interruption) {
        this.space = Objects.requireNonNull(space, "space");
        this.interruption = Objects.requireNonNull(interruption, "interruption");
    }

    /** Whether the interruption is still waiting for its commit. */
    public boolean armed() {
        return interruption != null;
    }

    private void interruptIfDue(KvTxn txn) {
        if (interruption != null && txn.ops().stream().anyMatch(op -> op.space().equals(space))) {
            Runnable r = interruption;
            interruption = null;
            r.run();
        }
    }

    @Override
    public boolean commit(KvTxn txn) {
        interruptIfDue(txn);
        return real.commit(txn);
    }

    @Override
    public OptionalLong commitDeferringSync(KvTxn txn) {
        interruptIfDue(txn);
        return real.commitDeferringSync(txn);
    }

    @Override
    public Optional<byte[]> get(String space, byte[] key) {
        return real.get(space, key);
    }

    @Override
    public List<KvPair> scan(String space, byte[] fromInclusive, byte[] toExclusive, int limit) {
        return real.scan(space, fromInclusive, toExclusive, limit);
    }

    @Override
    public List<KvPair> scanReverse(String space, byte[] fromInclusive, byte[] toExclusive, int limit) {
        return real.scanReverse(space, fromInclusive, toExclusive, limit);
    }

    @Override
    public void awaitDurable(long ticket) {
        real.awaitDurable(ticket);
    }

    @Override
    public boolean available() {
        return real.available();
    }

    @Override
    public String describe() {
        return "interrupted " + real.describe();
    }

    @Override
    public void close() {
        real.close();
    }
}
