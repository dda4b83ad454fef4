/**
 * Identity wiring of the gateway to the mfa module: SigV4 credentials
 * ({@link dev.dualkey.gateway.identity.MfaCredentialProvider}), policy-based authorization for S3 and IAM
 * ({@link dev.dualkey.gateway.identity.MfaAuthorizer}), the IAM API's directory
 * ({@link dev.dualkey.gateway.identity.MfaIamDirectory}) and the one translation of mfa's domain exceptions
 * into IAM errors ({@link dev.dualkey.gateway.identity.MfaErrorTranslator}).
 */
package dev.dualkey.gateway.identity;
