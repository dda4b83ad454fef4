/**
 * Attack tests: each replays a finding of issue 12 (the second key) or issue 13 (one authorization decision)
 * through real clients and fails if the attack succeeds. Classes are named after the area they attack.
 */
package dev.dualkey.compat.attack;
