/**
 * Cluster mode (issue 20): several stateless gateways behind a load balancer share their identity and MFA state
 * in etcd ({@code serve --state etcd://...}); see {@link dev.dualkey.storage.kv} for the store and
 * {@link dev.dualkey.gateway.health} for the load balancer's checks.
 */
package dev.dualkey.gateway.cluster;
