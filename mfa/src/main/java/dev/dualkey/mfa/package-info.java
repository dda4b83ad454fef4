/**
 * The mfa module: identities and second factors for Dualkey. {@link dev.dualkey.mfa.MfaServices} wires the
 * services over storage's RocksDB key/value layer; {@link dev.dualkey.mfa.OperatorService} backs the offline
 * admin commands.
 */
package dev.dualkey.mfa;
