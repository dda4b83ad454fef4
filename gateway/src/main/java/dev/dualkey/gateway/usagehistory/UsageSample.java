package dev.dualkey.gateway.usagehistory;

import java.time.Instant;

/** One sample of a series: when, and the bytes (all versions), objects and versions counted then. */
public record UsageSample(Instant time, long bytes, long objects, long versions) {
}
