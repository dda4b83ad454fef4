package dev.dualkey.storage.kv;

/** One raw entry of a {@link KvStore} scan. The arrays are the caller's. */
public record KvPair(byte[] key, byte[] value) {
}
