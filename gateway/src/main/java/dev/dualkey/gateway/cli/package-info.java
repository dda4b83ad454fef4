/**
 * The {@code dualkey} command line (picocli): {@code serve}. The identity seam the lead fills is
 * {@link dev.dualkey.gateway.cli.ServeCommand#wireIdentity}.
 */
package dev.dualkey.gateway.cli;
