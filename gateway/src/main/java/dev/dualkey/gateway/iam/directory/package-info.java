/**
 * The seam between the IAM Query API and the identity store: {@link dev.dualkey.gateway.iam.directory.IamDirectory}
 * (one method per IAM operation) and the IAM output shapes it returns. Implemented over the mfa module in
 * {@code dev.dualkey.gateway.identity}.
 */
package dev.dualkey.gateway.iam.directory;
