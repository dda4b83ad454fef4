/**
 * Request fuzzing: {@link dev.dualkey.compat.fuzz.RequestFuzzTest} sends thousands of mutated S3, IAM, STS and
 * console requests (valid SigV4 signatures over mutated content, unsigned and wrongly signed ones, broken framing)
 * and asserts the server never answers 5xx other than 501/503, keeps answering, and changes nothing it must
 * protect. The pieces: {@link dev.dualkey.compat.fuzz.Mutator} (string, byte and XML mutations from one seeded
 * {@link java.util.Random}), {@link dev.dualkey.compat.fuzz.WireRequest} (a request as it goes on the wire),
 * {@link dev.dualkey.compat.fuzz.WireSigner} (SigV4 over whatever the request became),
 * {@link dev.dualkey.compat.fuzz.RawHttp} (a socket, so that any byte can be sent),
 * {@link dev.dualkey.compat.fuzz.Templates} (valid requests to start from) and
 * {@link dev.dualkey.compat.fuzz.StoreSnapshot} (what must not change).
 */
package dev.dualkey.compat.fuzz;
