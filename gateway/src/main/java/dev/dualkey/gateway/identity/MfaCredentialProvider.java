package dev.dualkey.gateway.identity;

import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.CredentialProvider;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.mfa.identity.Caller;
import dev.dualkey.mfa.identity.IdentityService;
import java.util.Optional;

/**
 * SigV4 credentials from the mfa identity store: the access key's decrypted secret and its owner. Inactive
 * keys are returned as inactive, so the verifier answers them like unknown keys, as AWS does.
 */
public final class MfaCredentialProvider implements CredentialProvider {
    private final IdentityService identity;

    public MfaCredentialProvider(IdentityService identity) {
        this.identity = identity;
    }

    @Override
    public Optional<Credential> lookup(String accessKeyId) {
        return identity.findAccessKey(accessKeyId).map(k -> new Credential(k.accessKeyId(), k.secretAccessKey(),
                principal(k.caller()), k.active()));
    }

    static Principal principal(Caller c) {
        return new Principal(c.accountId(), c.userName(), c.root(), c.arn());
    }
}
