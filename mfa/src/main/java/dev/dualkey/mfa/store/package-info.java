/**
 * Persistence of the mfa module on storage's key/value layer: {@link dev.dualkey.mfa.store.MfaSchema} (the
 * families and their {@code key :- value} layout), record codecs and the typed tables.
 */
package dev.dualkey.mfa.store;
