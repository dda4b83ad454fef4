/**
 * Attack tests: each replays a finding of the security issues (12: the second key; 13: one authorization
 * decision) through real clients (SDK v2, the aws CLI, plain HTTP to the console) and fails if the attack
 * succeeds. Class names start with the area they attack ({@code IamRoot...}, {@code IamNames...},
 * {@code ConsoleSession...}).
 */
package dev.dualkey.compat.attack;
