/**
 * Shared state of a cluster of stateless gateways: {@link dev.dualkey.storage.shared.SharedKv}, an ordered key/value
 * map with multi-key compare-and-set transactions (compare values, then put/delete) and ranges in unsigned byte
 * order, so that an etcd implementation is a one-to-one mapping (Txn: If(value == v ...) Then(put..., delete...)),
 * and so is the etcd branch's {@code KvStore} restricted to one space.
 * {@link dev.dualkey.storage.shared.MemoryKv} is the in-process implementation for tests;
 * {@link dev.dualkey.storage.shared.RocksKv} keeps it in the data directory's database (one gateway, upstream mode);
 * {@link dev.dualkey.storage.shared.KvSharedKv} keeps it in one space ({@code shared.kv}) of a
 * {@link dev.dualkey.storage.kv.KvStore}: etcd in full cluster mode ({@code serve --upstream URL --state etcd://}),
 * where every gateway then sees the same map. All of them pass {@code SharedKvContractTest} (storage tests).
 *
 * <p>Who uses it: the upstream object store ({@code dev.dualkey.gateway.upstream}) keeps its bucket catalog, its
 * version index and its multipart uploads here.
 */
package dev.dualkey.storage.shared;
