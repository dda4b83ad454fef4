/**
 * The web console: its own Netty listener ({@link dev.dualkey.gateway.console.ConsoleServer}), the HTTP
 * handler that aggregates small forms, streams uploads and downloads, and runs pages on the storage
 * executor, and the wiring of the pages in {@code page} to mfa's sign-in, devices and policy evaluator and
 * to the object store.
 */
package dev.dualkey.gateway.console;
