/**
 * The console's pages: sign-in (root, IAM user, MFA code, resync), buckets and objects with versions,
 * the two MFA-protected actions, "My security credentials" and Users, plus the router that applies
 * session and CSRF rules to all of them. Pages reach the rest of the system through narrow interfaces
 * ({@link dev.dualkey.gateway.console.page.ConsoleAuth}, {@link dev.dualkey.gateway.console.page.IdentityDirectory},
 * {@link dev.dualkey.gateway.console.page.Authorizer}, {@link dev.dualkey.gateway.console.page.MfaDeleteCheck})
 * and the storage {@code ObjectStore}; the gateway implements those interfaces over the mfa module.
 */
package dev.dualkey.gateway.console.page;
