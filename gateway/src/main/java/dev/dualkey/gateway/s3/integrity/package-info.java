/**
 * End-to-end integrity of object data as S3 defines it: flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1,
 * SHA256) of objects and parts, their COMPOSITE or FULL_OBJECT type on multipart objects, and where they are
 * returned (PutObject, CompleteMultipartUpload, GetObject/HeadObject with {@code x-amz-checksum-mode: ENABLED} or
 * {@code partNumber}, ListParts, GetObjectAttributes); plus the conditional-write headers ({@code If-Match},
 * {@code If-None-Match}) of PutObject, CompleteMultipartUpload and DeleteObject. Computing and storing the values
 * is the store's job ({@code dev.dualkey.storage.checksum}); this package holds the wire rules.
 */
package dev.dualkey.gateway.s3.integrity;
