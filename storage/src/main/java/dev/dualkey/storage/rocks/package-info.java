/**
 * The small typed key/value layer over RocksDB that every module uses: {@link dev.dualkey.storage.rocks.RocksDatabase}
 * (one instance per data directory, owner of all native handles), {@link dev.dualkey.storage.rocks.Table} (typed
 * view of a column family), {@link dev.dualkey.storage.rocks.Codec} / {@link dev.dualkey.storage.rocks.Codecs}, and
 * {@link dev.dualkey.storage.rocks.BinaryWriter} / {@link dev.dualkey.storage.rocks.BinaryReader} for versioned
 * record layouts. Atomic multi-table changes go through {@link dev.dualkey.storage.rocks.RocksDatabase#write};
 * read-check-write sequences hold a {@link dev.dualkey.storage.lock.KeyLocks} lock around read and write.
 */
package dev.dualkey.storage.rocks;
