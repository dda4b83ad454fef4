/** S3 object operations and listings, with range and conditional-header handling. */
package dev.dualkey.gateway.s3.object;
