/**
 * End-to-end integrity and the newer request forms through real clients: flexible checksums (SDK v2's default
 * trailing CRC32, ChecksumMode.ENABLED, full-object CRC64NVME and CRC32 multipart, composite SHA256), part reads,
 * GetObjectAttributes, conditional writes and deletes, ListBuckets pagination and server access logging, with
 * SDK v2, SDK v1 and the aws CLI.
 */
package dev.dualkey.compat.integrity;
