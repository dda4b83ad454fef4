/**
 * Cluster mode as operators run it (issue 20): several {@code dualkey serve --upstream URL --state etcd://...}
 * gateways over one etcd and one upstream S3 service (moto in tests). {@link dev.dualkey.compat.cluster.ClusterKillTest}
 * kills one gateway process during a large upload; {@link dev.dualkey.compat.cluster.RoundRobinProxy} is the plain
 * TCP load balancer the MFA Delete suite's cluster variant ({@code mfadelete.ClusterMfaDelete*Test}) runs behind.
 */
package dev.dualkey.compat.cluster;
