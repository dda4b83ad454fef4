/**
 * S3 REST-XML bodies: a StAX writer for responses and a small safe element tree for request bodies, plus the
 * readers of each request document (versioning, create-bucket, delete, complete-multipart).
 */
package dev.dualkey.gateway.s3.xml;
