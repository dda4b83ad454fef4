/**
 * Attack tests: each replays a finding of issue 12 or 13 through real clients (SDK v2, the aws CLI, the console
 * over HTTP) and fails if the attack succeeds. Class names start with the area they guard.
 */
package dev.dualkey.compat.attack;
