package dev.dualkey.gateway.auth;

/**
 * A verified request: who signed it and the material the aws-chunked decoder needs to continue the chain.
 *
 * @param signingKey the derived SigV4 key of the request's scope (not the secret itself); kept only for the
 *                   request's lifetime to verify chunk signatures
 */
public record AuthResult(Principal principal, String accessKeyId, SignatureInfo signature, byte[] signingKey,
                         PayloadMode payloadMode) {

    /** The decoder that checks this request's aws-chunked body (call only when the mode is streaming). */
    public AwsChunkedDecoder newChunkedDecoder() {
        return new AwsChunkedDecoder(payloadMode, signingKey, signature.amzDate(), signature.scope(),
                signature.signature());
    }

    @Override
    public String toString() {
        return "AuthResult[principal=" + principal + ", accessKeyId=" + accessKeyId + ", mode=" + payloadMode + "]";
    }
}
