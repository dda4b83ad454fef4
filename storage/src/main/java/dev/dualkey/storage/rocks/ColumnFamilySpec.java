package dev.dualkey.storage.rocks;

import java.util.Objects;

/**
 * One column family a module needs. Each module lists its families in one {@code Schema} class and passes them
 * to {@link RocksDatabase#open}; the database opens the union of all modules' families.
 *
 * <p>Family names are global in the data directory, so prefix them with the module name
 * ({@code "mfa.devices"}, {@code "storage.versions"}). Renaming a family orphans its data: never do it
 * without a migration.
 *
 * @param name        family name, unique in the data directory, printable ASCII
 * @param description one line: {@code key :- value}, shown in logs and in the owning Schema's Javadoc
 * @param largeValues the family holds values of kilobytes (object bytes): RocksDB keeps values of at least
 *                    {@link RocksDatabase#MIN_BLOB_BYTES} in blob files next to the SST files, so compaction
 *                    rewrites only keys and references, not the values ({@link RocksDatabase}'s "Large values")
 */
public record ColumnFamilySpec(String name, String description, boolean largeValues) {
    public ColumnFamilySpec(String name, String description) {
        this(name, description, false);
    }

    public ColumnFamilySpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("column family name must be non-empty printable ASCII: " + name);
        }
        if (name.equals("default")) {
            throw new IllegalArgumentException("the 'default' family is reserved");
        }
    }

    /** Shorthand for {@code new ColumnFamilySpec(name, description)}. */
    public static ColumnFamilySpec of(String name, String description) {
        return new ColumnFamilySpec(name, description);
    }

    /** A family of kilobyte-sized values (object bytes), stored in blob files: {@link #largeValues()}. */
    public static ColumnFamilySpec ofLargeValues(String name, String description) {
        return new ColumnFamilySpec(name, description, true);
    }
}
