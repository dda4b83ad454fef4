/**
 * S3 REST-XML bodies: a writer for responses (UTF-8 bytes written directly, no StAX; see {@link
 * dev.dualkey.gateway.s3.xml.XmlWriter}) and a small safe element tree for request bodies, plus the readers of
 * each request document (versioning, create-bucket, delete, complete-multipart).
 */
package dev.dualkey.gateway.s3.xml;
