/**
 * Storage used per bucket (objects, versions, delete markers, bytes), kept by the store itself in the same atomic
 * write as the versions it counts: {@link dev.dualkey.storage.usage.BucketUsage} is what callers read; the counters
 * and their byte layout are in {@code dev.dualkey.storage.rocks.UsageLedger}. Metrics and the console dashboard read
 * these figures; nothing scans the versions to answer them.
 */
package dev.dualkey.storage.usage;
