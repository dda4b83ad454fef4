/**
 * The console's pages: sign-in (root, IAM user, MFA code, resync), buckets and objects with versions,
 * the two MFA-protected actions, "My security credentials" and Users, plus the router that applies
 * session and CSRF rules to all of them. Pages reach the rest of the system through narrow interfaces
 * ({@link dev.dualkey.gateway.console.page.ConsoleAuth}, {@link dev.dualkey.gateway.console.page.IdentityDirectory},
 * {@link dev.dualkey.gateway.console.page.Authorizer}), the storage {@code ObjectStore}, and
 * {@link dev.dualkey.gateway.protect.ProtectedOperations} for every MFA-protected change (shared with the S3 API);
 * the gateway implements those interfaces over the mfa module.
 */
package dev.dualkey.gateway.console.page;
