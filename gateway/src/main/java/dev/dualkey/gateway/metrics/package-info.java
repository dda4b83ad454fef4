/**
 * Prometheus metrics ({@code /metrics}): Micrometer's Prometheus registry with JVM/process meters and Dualkey's
 * own ({@link dev.dualkey.gateway.metrics.MetricNames}). Requests are counted by the front door's answered hook,
 * storage usage is read from the store's incremental counters (never a scan), RocksDB figures from its properties,
 * MFA checks, lockouts and sign-ins from the audit records. Served on the console listener or on a dedicated
 * {@code --metrics-address} ({@link dev.dualkey.gateway.metrics.MetricsHttp}); who may scrape:
 * {@link dev.dualkey.gateway.metrics.MetricsAccess}. The Grafana dashboard is {@code docs/grafana/dualkey.json}.
 */
package dev.dualkey.gateway.metrics;
