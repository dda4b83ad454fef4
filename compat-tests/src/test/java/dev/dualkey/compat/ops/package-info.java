/**
 * Operating a running Dualkey (issue 18): admin commands through the running server's admin channel, the audit
 * tail, and (later) metrics and alerts, each tested through the real CLI entry point against a {@code serve}
 * process.
 */
package dev.dualkey.compat.ops;
