/**
 * Encryption at rest end to end (issue 16 part 1, issue 17 bit rot): SSE-S3 by default through SDK v2, SDK v1 and
 * the aws CLI, ranges and multipart over encrypted data, scans of the raw data directory for plaintext, and what a
 * client sees when stored bytes rot (an error status, or a connection aborted before the last byte).
 */
package dev.dualkey.compat.sse;
