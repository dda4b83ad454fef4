/**
 * Multipart rules (part numbers 1..10000, ascending complete lists, ETag match, 5 MiB minimum for all but the last
 * part, {@code md5-of-md5s-N} ETags, composite checksums) are implemented in
 * {@link dev.dualkey.storage.rocks.RocksObjectStore}; parts are blob files and completion writes a manifest.
 */
package dev.dualkey.storage.multipart;
