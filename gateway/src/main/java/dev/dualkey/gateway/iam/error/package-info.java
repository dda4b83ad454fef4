/**
 * IAM errors: the {@link dev.dualkey.gateway.iam.error.IamErrorCode} enum (wire code, HTTP status, fault
 * side), the one {@link dev.dualkey.gateway.iam.error.IamException}, the one
 * {@link dev.dualkey.gateway.iam.error.IamErrorWriter}, and the translation of the mfa module's domain
 * exceptions into IAM codes.
 */
package dev.dualkey.gateway.iam.error;
