/**
 * Immutable records and enums of the storage API, in S3 vocabulary. No RocksDB or HTTP types.
 */
package dev.dualkey.storage.model;
