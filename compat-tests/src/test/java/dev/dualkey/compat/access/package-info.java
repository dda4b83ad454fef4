/**
 * Issue 14 part A through real clients (SDK v2, SDK v1, the aws CLI, curl): bucket policies shared with a second
 * account, a deny-without-MFA bucket policy with STS session credentials, public-read GETs without credentials,
 * Public Access Block overriding them, {@code x-amz-expected-bucket-owner}, and the MalformedPolicy messages.
 * {@link dev.dualkey.compat.access.AccessServer} starts one gateway with two accounts for the package.
 */
package dev.dualkey.compat.access;
