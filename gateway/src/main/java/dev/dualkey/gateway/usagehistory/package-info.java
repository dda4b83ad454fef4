/**
 * Usage over time (issue 18): the store counts usage incrementally ({@code UsageLedger}) but keeps only the
 * present; {@link dev.dualkey.gateway.usagehistory.UsageSampler} records each bucket's, each account's and the
 * store's figures once per interval (default hourly) into {@link dev.dualkey.gateway.usagehistory.UsageHistory}, a
 * bounded table in the state store (30 days of samples per series, older ones pruned), which the console dashboard
 * draws as a small line chart.
 */
package dev.dualkey.gateway.usagehistory;
