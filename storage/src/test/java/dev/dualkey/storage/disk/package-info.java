/**
 * Test support for real-disk reliability tests: loop-mounted ext4 images (power cut by image snapshot),
 * size-limited tmpfs (full disk), and the root/CI policy that decides whether such tests skip or fail.
 */
package dev.dualkey.storage.disk;
