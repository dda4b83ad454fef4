/**
 * Lifecycle through real clients: the configuration API and its errors (SDK v2, SDK v1, aws CLI),
 * {@code x-amz-expiration}, and the worker across a restart and a {@code kill -9} of the server.
 */
package dev.dualkey.compat.lifecycle;
