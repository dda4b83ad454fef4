/**
 * Blocking work off the event loops: {@link dev.dualkey.gateway.exec.StorageExecutor}, a bounded named pool
 * whose results hop back to the channel's event loop.
 */
package dev.dualkey.gateway.exec;
