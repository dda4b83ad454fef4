/**
 * The Netty side of the gateway: the pipeline ({@link dev.dualkey.gateway.http.GatewayChannelInitializer}), the
 * protocol-neutral {@link dev.dualkey.gateway.http.FrontDoorHandler} that routes each request to an
 * {@link dev.dualkey.gateway.http.Endpoint} (S3 REST, IAM Query API), aggregates or streams its body with
 * back-pressure, and writes the {@link dev.dualkey.gateway.http.Reply}.
 *
 * <p>Slow and broken clients (issue 12 F): {@link dev.dualkey.gateway.http.TransportLimits} are the bounds (head
 * and body idle timeouts, unauthenticated connections, held body bytes), {@link dev.dualkey.gateway.http.Admission}
 * their shared counters, {@link dev.dualkey.gateway.http.SlowClientGuard} the per-connection timer (also on the
 * console's listener), {@link dev.dualkey.gateway.http.HeldBody} a body held by bytes,
 * {@link dev.dualkey.gateway.http.HeadAuthenticatedEndpoint} with {@link dev.dualkey.gateway.http.RecentCredentials}
 * the S3 head check on the event loop, and {@link dev.dualkey.gateway.http.FatalErrors} the OutOfMemoryError
 * policy (halt, so a supervisor restarts the process).
 */
package dev.dualkey.gateway.http;
