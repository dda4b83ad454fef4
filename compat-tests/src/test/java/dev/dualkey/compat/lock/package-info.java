/**
 * Object Lock and tagging through real clients (AWS SDK for Java v2 and v1, the aws CLI, rclone, restic) against an
 * in-process Dualkey whose object store runs on a {@link dev.dualkey.compat.lock.StoreClock} that tests move forward
 * past retain-until dates instead of waiting. Each test names what it checks against AWS's documented behaviour.
 */
package dev.dualkey.compat.lock;
