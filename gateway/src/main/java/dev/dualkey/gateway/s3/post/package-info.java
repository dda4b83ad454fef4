/**
 * Browser uploads: POST Object with a {@code multipart/form-data} body (AWS's "Browser-based uploads using POST",
 * "HTML forms", "POST Policy"). {@link dev.dualkey.gateway.s3.post.PostObjectEndpoint} takes such a request ahead
 * of the S3 endpoint's header authentication; {@link dev.dualkey.gateway.s3.post.MultipartFormParser} streams the
 * body, collecting the (at most 20 KB of) fields before the file; when the file part begins,
 * {@link dev.dualkey.gateway.s3.post.PostObjectExchange} verifies the policy's signature (SigV4 or SigV2 form
 * fields) and evaluates the {@link dev.dualkey.gateway.s3.post.PostPolicy} (a form with neither signature nor
 * policy is S3's anonymous principal {@code *}, allowed only by a grant to everyone), authorizes
 * {@code s3:PutObject} with {@code s3:authType} = {@code POST} through the one authorizer, and only then opens
 * the object writer, with the same MFA Delete overwrite check (D9) as PutObject. File bytes go straight to the
 * writer with the front door's back-pressure; nothing is visible before the commit.
 */
package dev.dualkey.gateway.s3.post;
