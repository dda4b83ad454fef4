/**
 * Shared state of a cluster of stateless gateways: {@link dev.dualkey.storage.shared.SharedKv}, an ordered key/value
 * map with etcd's model (a revision per key, multi-key compare-and-set transactions, ranges in unsigned byte order),
 * so that an etcd implementation is a one-to-one mapping (Txn: If(mod_revision == r ...) Then(put..., delete...)).
 * {@link dev.dualkey.storage.shared.MemoryKv} is the in-process implementation for tests and a single gateway.
 *
 * <p>Who uses it: the upstream object store ({@code dev.dualkey.storage.upstream}) keeps its bucket catalog, its
 * version index and its multipart uploads here.
 */
package dev.dualkey.storage.shared;
