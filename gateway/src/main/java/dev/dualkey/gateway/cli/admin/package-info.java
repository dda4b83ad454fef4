/**
 * {@code dualkey admin} operator commands (picocli): create-account, import-tokens, audit,
 * deactivate-root-mfa, reset-root-password open the data directory offline and refuse, with exit code 2, while a
 * server holds it; scrub and backup ({@link dev.dualkey.gateway.cli.admin.LongRunningCommand}) use a running
 * server's admin channel and fall back to offline.
 */
package dev.dualkey.gateway.cli.admin;
