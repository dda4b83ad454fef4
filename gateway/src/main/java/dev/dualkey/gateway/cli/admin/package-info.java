/**
 * {@code dualkey admin} operator commands (picocli): create-account, import-tokens, audit,
 * deactivate-root-mfa, reset-root-password. They open the data directory offline and refuse, with exit
 * code 2, while a server holds it.
 */
package dev.dualkey.gateway.cli.admin;
