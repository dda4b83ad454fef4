/** The STS Query API behind the gateway's front door: SigV4 scope {@code .../sts/aws4_request}. */
package dev.dualkey.gateway.sts.http;
