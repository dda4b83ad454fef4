/** Version and upload id generation; the version chain rules live in {@code RocksObjectStore}. */
package dev.dualkey.storage.versioning;
