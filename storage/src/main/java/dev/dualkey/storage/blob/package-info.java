/** Immutable blob files (temp -> fsync -> rename -> fsync dir), reader pins and orphan collection. */
package dev.dualkey.storage.blob;
