/**
 * The STS Query API (version {@code 2011-06-15}) on the S3/IAM listener: {@code GetSessionToken} (temporary
 * credentials, optionally after an MFA code: the proof of MFA that changes to root's devices and
 * {@code aws:MultiFactorAuth*} policies rely on) and {@code GetCallerIdentity}.
 *
 * <p>Shape (as the IAM package): {@link dev.dualkey.gateway.sts.http.StsEndpoint} authenticates a request whose
 * SigV4 scope names service {@code sts} and hands the decoded parameters to {@link
 * dev.dualkey.gateway.sts.StsQueryHandler}, which answers a {@code <{Action}Response>} document or one
 * {@code <ErrorResponse>} ({@link dev.dualkey.gateway.sts.StsXml}) with a code of {@link
 * dev.dualkey.gateway.sts.StsErrorCode}. Session storage and the code check live in the mfa module
 * ({@code dev.dualkey.mfa.session}).
 */
package dev.dualkey.gateway.sts;
