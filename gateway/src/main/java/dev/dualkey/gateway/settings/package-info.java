/**
 * Per-account settings kept in the state store ({@link dev.dualkey.storage.kv.KvStore}: the data directory's
 * RocksDB, or etcd shared by a cluster's gateways), changed only on the console's Settings page by the account's
 * root user with a current MFA code. Today one setting: where the account's security events go
 * ({@link dev.dualkey.gateway.settings.AccountSettings}, read by the alert webhook's delivery thread).
 */
package dev.dualkey.gateway.settings;
