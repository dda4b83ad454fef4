package dev.dualkey.storage.rocks;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Changes that ride in the WriteBatch of one later synced write to one {@link RocksDatabase}, so that both reach the
 * WAL, and the disk, atomically with one write and one fsync: a spent MFA code in the version delete it authorizes
 * (issue 19). Explicit, not a thread-local: the write that carries it is the one given the ride
 * ({@link RocksDatabase#write(WriteRide, Consumer)}), and a ride for another database is refused, there and by
 * {@code RocksKvStore.commitRiding}, so changes can only ride where they provably go into the same batch.
 *
 * <p>States, one request's thread (not thread-safe):
 * <pre>
 * EMPTY    --attach-----------------------------&gt; ATTACHED   (the rider's conditions held; it holds its locks)
 * ATTACHED --write(ride, fill) succeeds---------&gt; WRITTEN    (one batch: fill's changes and the ride's)
 * ATTACHED --write(ride, fill) throws-----------&gt; FAILED     (nothing of either was written)
 * any      --settle-----------------------------&gt; SETTLED    (ATTACHED: the ride is written alone, synced;
 *                                                             then the rider's locks are released; then, if the
 *                                                             changes were written, the afterWritten action)
 * </pre>
 * A failed write is atomic: the ride is not written afterwards, so a code whose delete failed stays unspent
 * together with the version it would have deleted (SECURITY.md Q3). When no write took the ride (the version was
 * not there, Object Lock refused, the store failed before writing), {@link #settle()} writes it alone: the code was
 * accepted and is spent, as it is on every other path.
 */
public final class WriteRide {
    enum State { EMPTY, ATTACHED, WRITTEN, FAILED, SETTLED }

    private final RocksDatabase db;
    private State state = State.EMPTY;
    private Consumer<Batch> changes;
    private Runnable release;
    private Runnable afterWritten;

    /** An empty ride for one write to {@code db}. */
    public WriteRide(RocksDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** The one database whose write may carry this ride. */
    public RocksDatabase database() {
        return db;
    }

    /**
     * Attaches the changes to carry and what to run once they are written (or will not be): the rider's locks.
     *
     * @throws IllegalStateException when something is attached already (one rider per write)
     */
    public void attach(Consumer<Batch> changes, Runnable release) {
        if (state != State.EMPTY) {
            throw new IllegalStateException("a ride carries one rider; this one is " + state);
        }
        this.changes = Objects.requireNonNull(changes, "changes");
        this.release = Objects.requireNonNull(release, "release");
        state = State.ATTACHED;
    }

    /**
     * Runs {@code action} in {@link #settle()}, after the rider's locks are released, if and only if the attached
     * changes were written (by the write that took them or, when none did, alone by settle): e.g. telling audit
     * listeners about a spent code only once the spend is committed. Never run when that write failed.
     *
     * @throws IllegalStateException when nothing is attached or an action is set already
     */
    public void afterWritten(Runnable action) {
        if (state != State.ATTACHED || afterWritten != null) {
            throw new IllegalStateException("afterWritten needs an attached ride without one; this one is " + state);
        }
        afterWritten = Objects.requireNonNull(action, "action");
    }

    /** Whether changes are attached and no write has taken them yet. */
    public boolean pending() {
        return state == State.ATTACHED;
    }

    /** Whether a synced write carried the changes (in its own batch). */
    public boolean written() {
        return state == State.WRITTEN;
    }

    /** Whether the write that took the changes failed (then nothing of it, and nothing of them, was written). */
    public boolean failed() {
        return state == State.FAILED;
    }

    /** Stages the changes into {@code batch}; the database's write calls it, for its own batch only. */
    void stageInto(Batch batch) {
        changes.accept(batch);
    }

    void taken(boolean ok) {
        state = ok ? State.WRITTEN : State.FAILED;
    }

    /**
     * Ends the ride before the request answers: writes pending changes alone (synced), then releases the rider's
     * locks, whatever happened. Idempotent.
     */
    public void settle() {
        State was = state;
        if (was == State.EMPTY || was == State.SETTLED) {
            state = State.SETTLED;
            return;
        }
        state = State.SETTLED;
        try {
            if (was == State.ATTACHED) {
                db.write(changes);
            }
        } finally {
            release.run();
        }
        // reached only when the changes are written: WRITTEN, or ATTACHED and the write above returned
        if (was != State.FAILED && afterWritten != null) {
            afterWritten.run();
        }
    }
}
