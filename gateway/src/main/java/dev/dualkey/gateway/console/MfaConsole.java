package dev.dualkey.gateway.console;

import dev.dualkey.gateway.console.page.Authorizer;
import dev.dualkey.gateway.console.page.ConsolePages;
import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.mfadelete.MfaDeleteGate;
import dev.dualkey.mfa.MfaServices;
import dev.dualkey.storage.ObjectStore;

/**
 * The console over the mfa layer: sign-in and sessions from {@code SignInService}, users/keys/devices from the
 * identity and device services, authorization from the policy evaluator, MFA Delete from the S3 API's gate.
 */
public final class MfaConsole {
    private MfaConsole() {
    }

    /**
     * The console pages.
     *
     * @param secure       whether the console listener uses TLS ({@code aws:SecureTransport})
     * @param loopbackOnly whether the console listens on a loopback address only (MFA codes may then travel
     *                     over plain HTTP, as for the S3 listener, decision D4)
     * @param region       region recorded for buckets created in the console
     */
    public static ConsoleApp app(ObjectStore store, MfaServices mfa, java.time.Clock clock, boolean secure,
                                 boolean loopbackOnly, String region) {
        Authorizer authorizer = new PolicyAuthorizer(mfa.identity(), secure);
        return ConsolePages.create(store, new MfaSignInAuth(mfa.signIn(), mfa.identity(), clock),
                new MfaIdentityDirectory(mfa.identity(), mfa.devices()), authorizer,
                new GateMfaDeleteCheck(new MfaDeleteGate(mfa.verifier(), mfa.audit(), clock), secure || loopbackOnly),
                region);
    }
}
