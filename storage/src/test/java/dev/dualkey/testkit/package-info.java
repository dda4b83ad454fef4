/**
 * Test support shared by every module through storage's test-jar: {@link dev.dualkey.testkit.Prerequisites}, the
 * one skip-or-fail rule for tests that need something from the machine; {@link dev.dualkey.testkit.DataFiles}, the
 * scan of a data directory's files for bytes.
 */
package dev.dualkey.testkit;
