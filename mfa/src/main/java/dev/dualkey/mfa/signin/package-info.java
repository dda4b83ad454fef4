/**
 * Console sign-in (password, then MFA code; resync), attempt throttling per user and client address, and
 * server-side sessions stored by token hash. UI-free: the gateway's console renders pages around it.
 */
package dev.dualkey.mfa.signin;
