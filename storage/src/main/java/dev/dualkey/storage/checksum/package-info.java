/** One-pass body digests: MD5 (ETag), SHA-256 (SigV4) and S3 flexible checksums including CRC-64/NVME. */
package dev.dualkey.storage.checksum;
