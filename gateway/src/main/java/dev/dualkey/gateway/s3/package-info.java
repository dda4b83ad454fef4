/**
 * The S3 REST endpoint: {@link dev.dualkey.gateway.s3.S3Endpoint} (authenticate, route, authorize),
 * {@link dev.dualkey.gateway.s3.S3Router} (request -> {@link dev.dualkey.gateway.s3.S3Operation}), the
 * {@link dev.dualkey.gateway.s3.OperationHandler} seam, and shared request helpers (body verification, object
 * headers, conditions, copy sources, streamed uploads).
 */
package dev.dualkey.gateway.s3;
