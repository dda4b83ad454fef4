/**
 * Test support shared by every module through storage's test-jar: {@link dev.dualkey.testkit.Prerequisites}, the
 * one skip-or-fail rule for tests that need something from the machine.
 */
package dev.dualkey.testkit;
