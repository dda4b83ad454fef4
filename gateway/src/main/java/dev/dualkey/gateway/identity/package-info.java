/**
 * Identity wiring of the gateway to the mfa module: SigV4 credentials
 * ({@link dev.dualkey.gateway.identity.MfaCredentialProvider}), the one authorizer for S3, IAM and the console
 * over the identity store's policies ({@link dev.dualkey.gateway.identity.MfaAuthorizer}, the rules of
 * {@link dev.dualkey.gateway.authz.AccountAuthorizer}), the IAM API's directory
 * ({@link dev.dualkey.gateway.identity.MfaIamDirectory}) and the one translation of mfa's domain exceptions
 * into IAM errors ({@link dev.dualkey.gateway.identity.MfaErrorTranslator}).
 */
package dev.dualkey.gateway.identity;
