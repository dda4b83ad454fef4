/**
 * Liveness and readiness for a load balancer in front of several gateways (issue 20), at MinIO's paths
 * ({@code /minio/health/live}, {@code /minio/health/ready}) because the load balancers and orchestrators that
 * already front MinIO and S3-compatible clusters have checks for exactly these (HAProxy, nginx, Kubernetes
 * probes in MinIO's own charts), so pointing them at Dualkey needs no new configuration.
 */
package dev.dualkey.gateway.health;
