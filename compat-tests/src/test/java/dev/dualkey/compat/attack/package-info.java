/**
 * Attack tests: each replays a finding of the security issues (12: the second key cannot be taken with the first;
 * 13: one authorization decision) through real clients (SDK v2, the aws CLI, raw signed HTTP, plain HTTP to the
 * console) against a running gateway, and fails if the attack succeeds. Class names start with the area they
 * attack ({@code IamRoot...}, {@code Policy...}, {@code S3Authz...}, {@code SigV4...}, {@code Transport...},
 * {@code Lockout...}, {@code Protected...}, {@code ConsoleSession...}). {@code SECURITY.md} maps each to the path
 * it closes.
 */
package dev.dualkey.compat.attack;
