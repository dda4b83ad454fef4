package dev.dualkey.storage.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One atomic write to a {@link KvStore}: conditions, then puts and deletes, applied all or nothing, and only
 * when every condition holds at commit time. Conditions compare the whole current value (or its absence), so a
 * condition that holds means the state is exactly the one the caller read; no revision counter is needed, and
 * both implementations can evaluate it. Not thread-safe; build, commit, drop.
 *
 * <p>{@link #afterCommit} actions run once the transaction is committed, and never when it is not: the store that
 * applied it runs them after {@link KvStore#commit} (or {@link KvStore#commitDeferringSync}) applied every write,
 * with its own locks released, and before that call returns true; a riding commit
 * ({@link RocksKvStore#commitRiding}) hands them to its ride, which runs them once the batch carrying them was
 * written. A commit that fails (a condition no longer holds, an I/O error, etcd unreachable) runs none, and a
 * retry that builds a new transaction drops the old one's with it: an action runs at most once, for a write that
 * happened. The audit log's listeners (metrics, the alert webhook) hear records this way (SECURITY.md AC1).
 */
public final class KvTxn {
    private static final Logger LOG = LoggerFactory.getLogger(KvTxn.class);

    /** A condition: {@code expected == null} means the key must be absent. */
    public record Condition(String space, byte[] key, byte[] expected) {
    }

    /** A put ({@code value != null}) or delete ({@code value == null}). */
    public record Op(String space, byte[] key, byte[] value) {
        public boolean isDelete() {
            return value == null;
        }
    }

    private final List<Condition> conditions = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    /** Null until the first {@link #afterCommit}: most transactions carry none. */
    private List<Runnable> afterCommit;

    /**
     * Commit only if {@code key} in {@code space} holds exactly {@code expected} (byte-equal), or is absent when
     * {@code expected} is null.
     */
    public KvTxn expect(String space, byte[] key, byte[] expected) {
        conditions.add(new Condition(checkSpace(space), Objects.requireNonNull(key, "key").clone(),
                expected == null ? null : expected.clone()));
        return this;
    }

    /** Commit only if {@code key} is absent. */
    public KvTxn expectAbsent(String space, byte[] key) {
        return expect(space, key, null);
    }

    public KvTxn put(String space, byte[] key, byte[] value) {
        ops.add(new Op(checkSpace(space), Objects.requireNonNull(key, "key").clone(),
                Objects.requireNonNull(value, "value").clone()));
        return this;
    }

    public KvTxn delete(String space, byte[] key) {
        ops.add(new Op(checkSpace(space), Objects.requireNonNull(key, "key").clone(), null));
        return this;
    }

    public List<Condition> conditions() {
        return List.copyOf(conditions);
    }

    public List<Op> ops() {
        return List.copyOf(ops);
    }

    /**
     * Runs {@code action} after this transaction is committed, on the committing thread, in the order added; never
     * if the commit fails (see the class comment). It must return at once (the caller may still hold its own
     * locks) and not throw: an exception is logged, never turned into a failure of the commit that happened.
     */
    public KvTxn afterCommit(Runnable action) {
        Objects.requireNonNull(action, "action");
        if (afterCommit == null) {
            afterCommit = new ArrayList<>(2);
        }
        afterCommit.add(action);
        return this;
    }

    /**
     * The store applied this transaction: runs and forgets its {@link #afterCommit} actions (so a transaction
     * committed again does not repeat them). Called by the {@link KvStore} implementations only.
     */
    void committed() {
        runAll(takeAfterCommit());
    }

    /** Runs {@code actions} in order, logging (not throwing) a failing one: see {@link #afterCommit}. */
    static void runAll(List<Runnable> actions) {
        for (Runnable a : actions) {
            try {
                a.run();
            } catch (RuntimeException e) {
                // the write is done: a failing action must not make the caller believe it was not
                LOG.warn("after-commit action failed", e);
            }
        }
    }

    /** Removes and returns the {@link #afterCommit} actions, for a commit that runs them later (a ride). */
    List<Runnable> takeAfterCommit() {
        List<Runnable> actions = afterCommit == null ? List.of() : afterCommit;
        afterCommit = null;
        return actions;
    }

    /** Staged puts and deletes. */
    public int size() {
        return ops.size();
    }

    public boolean isEmpty() {
        return ops.isEmpty() && conditions.isEmpty();
    }

    /**
     * A loop, not {@code chars().allMatch}: every staged op and condition runs this, and on the MFA code check's
     * path (a few hundred times a run, mostly interpreted) the stream pipeline showed in the profile (issue 19).
     */
    private static String checkSpace(String space) {
        Objects.requireNonNull(space, "space");
        boolean printable = !space.isEmpty() && space.indexOf('/') < 0;
        for (int i = 0; printable && i < space.length(); i++) {
            char c = space.charAt(i);
            printable = c > 0x20 && c < 0x7f;
        }
        if (!printable) {
            throw new IllegalArgumentException("space must be printable ASCII without '/': " + space);
        }
        return space;
    }
}
