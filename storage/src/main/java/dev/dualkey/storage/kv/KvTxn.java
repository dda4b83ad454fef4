package dev.dualkey.storage.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One atomic write to a {@link KvStore}: conditions, then puts and deletes, applied all or nothing, and only
 * when every condition holds at commit time. Conditions compare the whole current value (or its absence), so a
 * condition that holds means the state is exactly the one the caller read; no revision counter is needed, and
 * both implementations can evaluate it. Not thread-safe; build, commit, drop.
 */
public final class KvTxn {
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
