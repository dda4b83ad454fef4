/**
 * Authentication: AWS Signature Version 4 (header, presigned query and aws-chunked streaming bodies, with the
 * service name as a parameter so the IAM endpoint reuses it), and the seam the identity store plugs into
 * ({@link dev.dualkey.gateway.auth.CredentialProvider}). Authorization is {@link dev.dualkey.gateway.authz}.
 *
 * <p>Flow: {@link dev.dualkey.gateway.auth.SigV4Parser} turns a request into an immutable
 * {@link dev.dualkey.gateway.auth.SignatureInfo}; {@link dev.dualkey.gateway.auth.SigV4Verifier} checks the
 * clock, finds the credential and compares the signature computed by the pure functions of
 * {@link dev.dualkey.gateway.auth.SigV4Signer} in constant time; {@link dev.dualkey.gateway.auth.AwsChunkedDecoder}
 * then verifies the chunk chain of a streaming body as it passes.
 */
package dev.dualkey.gateway.auth;
