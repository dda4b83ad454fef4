/**
 * S3 error model: the {@link dev.dualkey.gateway.s3.error.S3ErrorCode} table, the immutable
 * {@link dev.dualkey.gateway.s3.error.S3Exception}, the one translation of storage exceptions
 * ({@link dev.dualkey.gateway.s3.error.StorageErrorTranslator}) and the one REST-XML error writer
 * ({@link dev.dualkey.gateway.s3.error.S3ErrorWriter}).
 */
package dev.dualkey.gateway.s3.error;
