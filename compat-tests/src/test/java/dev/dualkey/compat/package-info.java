/**
 * Compatibility-test harness: starts a Dualkey gateway (in-process on a free port, in a child JVM, or an
 * external one given by {@code -Dcompat.endpoint=URL}) and builds real S3 clients against it.
 *
 * <p>{@link dev.dualkey.compat.GatewayExtension} is the one place that knows how the gateway is booted and
 * which access keys it accepts; {@link dev.dualkey.compat.Clients} builds AWS SDK v1/v2 clients,
 * {@link dev.dualkey.compat.AwsCli} runs the aws CLI, {@link dev.dualkey.compat.RawS3} sends hand-signed
 * requests for the cases an SDK refuses to produce (skewed clocks, tampered payloads, invalid names).
 */
package dev.dualkey.compat;
