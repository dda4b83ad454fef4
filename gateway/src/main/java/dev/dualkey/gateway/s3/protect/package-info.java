/** The S3 wire of protected changes: request facts in, {@link dev.dualkey.gateway.protect.Refusal} out as S3 errors. */
package dev.dualkey.gateway.s3.protect;
