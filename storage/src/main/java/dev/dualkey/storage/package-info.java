/**
 * The public storage API the gateway codes against: {@link dev.dualkey.storage.ObjectStore} with its writers
 * ({@link dev.dualkey.storage.ObjectWriter}, {@link dev.dualkey.storage.PartWriter}) and
 * {@link dev.dualkey.storage.ObjectReader}. No RocksDB, Netty or AWS SDK types appear here, so a second
 * implementation over a remote S3 cluster stays possible. The RocksDB implementation is
 * {@link dev.dualkey.storage.rocks.RocksObjectStore}; {@link dev.dualkey.storage.rocks.StorageEngine} opens it
 * together with the shared {@link dev.dualkey.storage.rocks.RocksDatabase}.
 */
package dev.dualkey.storage;
