/**
 * Attack tests: each replays a finding of issue 12 or 13 through real clients (AWS SDK v2, the aws CLI) and
 * fails if the attack succeeds. Class names start with the area they guard.
 */
package dev.dualkey.compat.attack;
