/**
 * The IAM Query API (version 2010-05-08), independent of Netty.
 *
 * <p>Entry point: {@link dev.dualkey.gateway.iam.IamQueryHandler#handle}. Request flow: form/query parsing
 * ({@link dev.dualkey.gateway.iam.IamRequestParser}) -> {@code Action}/{@code Version} -> the
 * {@link dev.dualkey.gateway.iam.IamAction} with its declared members -> one validation -> the action's
 * {@link dev.dualkey.gateway.iam.IamActionHandler}, which authorizes through
 * {@link dev.dualkey.gateway.iam.IamContext#authorize} -> one success writer or one error writer.
 */
package dev.dualkey.gateway.iam;
