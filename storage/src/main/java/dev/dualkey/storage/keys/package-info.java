/** Typed binary key layouts of the object store (see {@link dev.dualkey.storage.keys.StoreKeys}). */
package dev.dualkey.storage.keys;
