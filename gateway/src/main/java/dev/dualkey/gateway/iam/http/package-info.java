/**
 * The IAM Query API's place behind the Netty front door: {@link dev.dualkey.gateway.iam.http.IamEndpoint}
 * routes IAM requests, authenticates them (SigV4, service {@code iam}) and hands them to the Netty-free
 * {@link dev.dualkey.gateway.iam.IamQueryHandler}.
 */
package dev.dualkey.gateway.iam.http;
