/**
 * Start-up warm-up (issue 19): before {@code dualkey serve} binds its S3 port, the server drives its own request
 * path for a bounded time so that the JIT compiles the hot paths before the first client connects.
 *
 * <p>{@link dev.dualkey.gateway.warmup.WarmUp} starts a second, throw-away {@code GatewayServer} (the real Netty
 * pipeline, SigV4 and SigV2 verification, routing, authorization, the RocksDB store and SSE-S3) on a loopback
 * port the system picks, over a fresh temporary data directory (owner-only permissions, outside the real data
 * directory) with a freshly generated master key and an account whose root keys are random and never leave
 * the process; {@link dev.dualkey.gateway.warmup.WarmUpClient} sends it signed S3 requests over keep-alive
 * sockets (PUT with every payload mode SDKs use, presigned PUT and GET, GET, HEAD, ListObjectsV2, DELETE).
 * Then the server stops, the temporary directory is deleted and the keys are dropped: nothing of the warm-up
 * can be reached by a client of the real server, whose port is bound only afterwards. What stays is the
 * JVM's compiled code and loaded classes.
 */
package dev.dualkey.gateway.warmup;
