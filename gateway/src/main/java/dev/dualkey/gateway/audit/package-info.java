/**
 * The gateway's side of the audit log (issue 18): which client a request came from, behind trusted proxies
 * ({@link dev.dualkey.gateway.audit.TrustedProxies}), the console's binding of that address for the records its
 * services write ({@link dev.dualkey.gateway.audit.ConsoleClient}). The log itself, its retention and its paging
 * live in {@code dev.dualkey.mfa.audit}.
 */
package dev.dualkey.gateway.audit;
