/**
 * Domain failures of the storage module: one unchecked class per failure, all extending
 * {@link dev.dualkey.storage.error.StorageException}. The gateway maps each class to one S3 error; storage
 * never speaks HTTP. A failed call leaves nothing half-changed.
 */
package dev.dualkey.storage.error;
