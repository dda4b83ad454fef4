package dev.dualkey.storage.rocks;

/** One decoded key/value pair from a scan. */
public record KvEntry<K, V>(K key, V value) {
}
