package dev.dualkey.gateway.identity;

import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.CredentialProvider;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.mfa.identity.Caller;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.session.ResolvedSession;
import dev.dualkey.mfa.session.SessionCredentialService;
import java.util.Objects;
import java.util.Optional;

/**
 * SigV4 credentials from the mfa identity store: the access key's decrypted secret and its owner. Inactive
 * keys are returned as inactive, so the verifier answers them like unknown keys, as AWS does.
 *
 * <p>Temporary credentials ({@code ASIA...}, STS GetSessionToken) come from the session store: their principal is
 * {@code temporary} and carries the session's {@code mfaAuthenticatedAt}, and the credential carries the session
 * token's digest and expiry state for the verifier's {@code x-amz-security-token} check.
 */
public final class MfaCredentialProvider implements CredentialProvider {
    private final IdentityService identity;
    private final SessionCredentialService sessions;

    /** @param sessions temporary credentials; null when this server issues none */
    public MfaCredentialProvider(IdentityService identity, SessionCredentialService sessions) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.sessions = sessions;
    }

    public MfaCredentialProvider(IdentityService identity) {
        this(identity, null);
    }

    @Override
    public Optional<Credential> lookup(String accessKeyId) {
        if (sessions != null && accessKeyId != null
                && accessKeyId.startsWith(SessionCredentialService.ACCESS_KEY_PREFIX)) {
            return sessions.find(accessKeyId).map(MfaCredentialProvider::sessionCredential);
        }
        return identity.findAccessKey(accessKeyId).map(k -> new Credential(k.accessKeyId(), k.secretAccessKey(),
                principal(k.caller()), k.active()));
    }

    private static Credential sessionCredential(ResolvedSession s) {
        Caller c = s.caller();
        Principal p = new Principal(c.accountId(), c.userName(), c.root(), c.arn(), true, s.mfaAuthenticatedAt());
        return new Credential(s.accessKeyId(), s.secretAccessKey(), p, true,
                new Credential.SessionToken(s.tokenSha256(), s.expired()));
    }

    static Principal principal(Caller c) {
        return new Principal(c.accountId(), c.userName(), c.root(), c.arn());
    }
}
