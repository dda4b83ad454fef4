/**
 * Upstream mode ({@code serve --upstream}, issue 20): the gateway in front of an S3 service (moto in server mode,
 * started by {@link dev.dualkey.testkit.MotoServer}), driven by real clients, with the upstream checked directly
 * (a version deleted with a code is gone upstream too; a refused delete left it there).
 */
package dev.dualkey.compat.upstream;
