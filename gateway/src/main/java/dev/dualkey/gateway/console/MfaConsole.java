package dev.dualkey.gateway.console;

import dev.dualkey.gateway.iam.action.IamOperations;
import dev.dualkey.gateway.identity.MfaAuthorizer;
import dev.dualkey.gateway.identity.MfaErrorTranslator;
import dev.dualkey.gateway.identity.MfaIamDirectory;
import java.time.Clock;
import java.util.Optional;

import dev.dualkey.gateway.console.page.Authorizer;
import dev.dualkey.gateway.console.page.ConsolePages;
import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.protect.ProtectedOperations;
import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.device.MfaDeviceService;
import dev.dualkey.mfa.device.MfaVerifier;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.signin.SignInService;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.NoSuchBucketException;

/**
 * The console over the mfa layer: sign-in and sessions from {@code SignInService}, users/keys/devices from the
 * identity and device services, authorization from the API's own authorizer, MFA-protected changes through the
 * S3 API's {@link ProtectedOperations}.
 * The services must be the very instances the S3 and IAM APIs use (one verifier, one set of device locks), so
 * that a code is accepted once across console and {@code x-amz-mfa}.
 */
public final class MfaConsole {
    private MfaConsole() {
    }

    /** The console over an {@link MfaServices} (tests and embedders that open mfa themselves). */
    public static ConsoleApp app(ObjectStore store, MfaServices mfa, Clock clock, boolean secure,
                                 boolean loopbackOnly, String region) {
        return app(store, mfa.identity(), mfa.devices(), mfa.verifier(), mfa.audit(), mfa.signIn(), clock, secure,
                loopbackOnly, region);
    }

    /**
     * The console pages.
     *
     * @param secure       whether the console listener uses TLS ({@code aws:SecureTransport})
     * @param loopbackOnly whether the console listens on a loopback address only (MFA codes may then travel
     *                     over plain HTTP, as for the S3 listener, decision D4)
     * @param region       region recorded for buckets created in the console
     */
    public static ConsoleApp app(ObjectStore store, IdentityService identity, MfaDeviceService devices,
                                 MfaVerifier verifier, AuditLog audit, SignInService signIn, Clock clock,
                                 boolean secure, boolean loopbackOnly, String region) {
        return app(store, identity, devices, verifier, audit, signIn, clock, secure, loopbackOnly, region, null);
    }

    /** The console over an {@link MfaServices}, its dashboard drawing {@code history} (issue 18). */
    public static ConsoleApp app(ObjectStore store, MfaServices mfa, Clock clock, boolean secure,
                                 boolean loopbackOnly, String region,
                                 dev.dualkey.gateway.usagehistory.UsageHistory history) {
        return app(store, mfa.identity(), mfa.devices(), mfa.verifier(), mfa.audit(), mfa.signIn(), clock, secure,
                loopbackOnly, region, history);
    }

    /** As above, the dashboard drawing the growth chart from {@code history} (null: no chart). */
    public static ConsoleApp app(ObjectStore store, IdentityService identity, MfaDeviceService devices,
                                 MfaVerifier verifier, AuditLog audit, SignInService signIn, Clock clock,
                                 boolean secure, boolean loopbackOnly, String region,
                                 dev.dualkey.gateway.usagehistory.UsageHistory history) {
        return app(store, identity, devices, verifier, audit, signIn, clock, secure, loopbackOnly, region, history,
                null);
    }

    /** The console over an {@link MfaServices}, with the Settings page over {@code settings} (issue 18). */
    public static ConsoleApp app(ObjectStore store, MfaServices mfa, Clock clock, boolean secure,
                                 boolean loopbackOnly, String region,
                                 dev.dualkey.gateway.usagehistory.UsageHistory history,
                                 dev.dualkey.gateway.settings.AccountSettings settings) {
        return app(store, mfa.identity(), mfa.devices(), mfa.verifier(), mfa.audit(), mfa.signIn(), clock, secure,
                loopbackOnly, region, history, settings);
    }

    /** As above, with the Settings page (the account's alert receiver) over {@code settings} (null: no page). */
    public static ConsoleApp app(ObjectStore store, IdentityService identity, MfaDeviceService devices,
                                 MfaVerifier verifier, AuditLog audit, SignInService signIn, Clock clock,
                                 boolean secure, boolean loopbackOnly, String region,
                                 dev.dualkey.gateway.usagehistory.UsageHistory history,
                                 dev.dualkey.gateway.settings.AccountSettings settings) {
        // The API's own authorizer (account boundary, root, identity policies) over the same stores.
        MfaAuthorizer rules = new MfaAuthorizer(identity, store, clock);
        Authorizer authorizer = new PolicyAuthorizer(rules, clock, secure);
        // The user and credential pages run the IAM API's own operations (same handlers, authorizer, root rules).
        IamOperations iam = new IamOperations(new MfaIamDirectory(identity, devices), rules,
                new MfaErrorTranslator(), clock);
        return ConsolePages.create(store, new MfaSignInAuth(signIn, identity, clock),
                new MfaIdentityDirectory(identity, devices, iam, signIn, clock), authorizer,
                new ProtectedOperations(store, verifier, audit, clock), secure || loopbackOnly, region,
                dev.dualkey.gateway.identity.IdentityPrincipals.over(identity), audit, // audit page: issue 18
                history, // dashboard's growth chart: issue 18
                settings); // Settings page (alert receiver): issue 18
    }
}
