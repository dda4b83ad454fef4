/** S3 multipart upload operations. */
package dev.dualkey.gateway.s3.multipart;
