/**
 * The Netty side of the gateway: the pipeline ({@link dev.dualkey.gateway.http.GatewayChannelInitializer}), the
 * protocol-neutral {@link dev.dualkey.gateway.http.FrontDoorHandler} that routes each request to an
 * {@link dev.dualkey.gateway.http.Endpoint} (S3 REST now; IAM Query API and console later), aggregates or streams
 * its body with back-pressure, and writes the {@link dev.dualkey.gateway.http.Reply}.
 */
package dev.dualkey.gateway.http;
