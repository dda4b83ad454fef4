/**
 * Striped per-key locks for read-check-write sequences. The object store takes them in the order
 * bucket -> object key -> upload id and asserts that order.
 */
package dev.dualkey.storage.lock;
