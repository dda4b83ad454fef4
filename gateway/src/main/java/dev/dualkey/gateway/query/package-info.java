/**
 * The AWS Query protocol as IAM and STS share it: a form body signed through its SHA-256
 * ({@link dev.dualkey.gateway.query.QueryFormSignature}, checked on the head before the form is read), and the
 * protocol's common errors ({@link dev.dualkey.gateway.query.QueryCommonError}) that each endpoint renders in its own
 * error document. The endpoints themselves live with their services ({@code iam/http}, {@code sts/http}).
 */
package dev.dualkey.gateway.query;
