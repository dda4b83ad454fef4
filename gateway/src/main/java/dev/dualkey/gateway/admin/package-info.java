/**
 * The admin control channel: how operator commands reach a RUNNING server.
 *
 * <h2>Why</h2>
 * Some operator work needs the process that holds the data directory: an online backup must come from the
 * process that owns the RocksDB instance (a checkpoint, and holding blob deletions while files are linked), and a
 * scrub of a live store must pin blobs against concurrent deletes. The running {@code serve} process therefore
 * listens on a Unix domain socket, {@code DATA_DIR/admin.sock}; the CLI ({@code dualkey admin ...}) tries it
 * first and falls back to opening the data directory offline when no server answers.
 *
 * <h2>Who may use it</h2>
 * Only the owner of the data directory: the socket lives inside the data directory, which is mode 0700; the
 * socket file itself is 0600; and every connection's peer credentials ({@code SO_PEERCRED}) are checked against
 * the directory's owner (root is refused too unless it owns the directory). Whoever can use the socket can
 * already read every byte of the data directory, so the channel grants nothing new; it is NOT a way around MFA
 * Delete: no command on it deletes or overwrites object versions (issue 18 moves the existing offline commands
 * here under the same rule).
 *
 * <h2>Protocol (JSON lines, UTF-8, one request per connection)</h2>
 * <pre>
 * client -&gt; server   {"command":"scrub","args":{"rateBytesPerSecond":10485760}}
 * server -&gt; client   {"event":"progress","done":123,"total":456}        (zero or more events)
 *                    {"event":"finding","problem":"WRONG_CHECKSUM",...}
 *                    {"ok":true,"result":{...}}                          (exactly one, last)
 *                 or {"ok":false,"error":"one line"}
 * </pre>
 * At most four commands run at once (a slot is taken once the request line is read, so the CLI's probe, a
 * connect-and-close, takes none; a fifth gets "busy"); {@code audit --follow} holds its slot until its client
 * goes away (heartbeat events notice) or the server stops. The account, token, recovery and audit commands are in
 * {@link dev.dualkey.gateway.admin.IdentityCommands}.
 * A request line is at most {@link dev.dualkey.gateway.admin.AdminProtocol#MAX_REQUEST_BYTES} bytes. If the
 * client goes away, the next event write fails and the command is abandoned (a backup leaves its destination
 * marked unfinished; a scrub just stops).
 *
 * <h2>Adding a command</h2>
 * Implement {@link dev.dualkey.gateway.admin.AdminHandler} and register it by name in
 * {@link dev.dualkey.gateway.admin.AdminRegistry}; the CLI calls it with
 * {@link dev.dualkey.gateway.admin.AdminClient}.
 */
package dev.dualkey.gateway.admin;
