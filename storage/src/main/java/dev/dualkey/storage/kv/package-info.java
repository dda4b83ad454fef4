/**
 * The key/value seam under the mfa module's state (accounts, users, keys, devices, sessions, throttle counters,
 * audit records): {@link dev.dualkey.storage.kv.KvStore} with two implementations.
 *
 * <ul>
 *   <li>{@link dev.dualkey.storage.kv.RocksKvStore}: the embedded default. A space is a RocksDB column family,
 *   keys and values are stored exactly as the typed {@code rocks.Table}s stored them before, so an existing data
 *   directory reads unchanged.</li>
 *   <li>{@link dev.dualkey.storage.kv.EtcdKvStore}: the shared state of several gateways ({@code serve --state
 *   etcd://...}). Etcd key = {@code "dualkey/" + space + "/" + key bytes}; the value is the same record bytes.</li>
 * </ul>
 *
 * <p>Why compare-and-set and not locks: several gateways share the state, so the in-process locks the services
 * hold no longer serialise anything on their own. Every read-check-write that must not be lost or doubled (a
 * TOTP step consumed, a throttle counter, a session consumed, an access key's status) commits with a condition
 * on the value it read ({@link dev.dualkey.storage.kv.KvTxn#expect}); a failed condition means another writer
 * won, and the caller re-reads and decides again. Etcd evaluates the condition and applies the writes in one
 * raft transaction; the RocksDB implementation does it under striped in-process locks over the keys touched.
 */
package dev.dualkey.storage.kv;
