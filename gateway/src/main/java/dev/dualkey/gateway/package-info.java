/**
 * The Dualkey gateway: {@link dev.dualkey.gateway.GatewayServer} (bootstrap, wiring, graceful shutdown) and
 * {@link dev.dualkey.gateway.TlsConfig}.
 */
package dev.dualkey.gateway;
