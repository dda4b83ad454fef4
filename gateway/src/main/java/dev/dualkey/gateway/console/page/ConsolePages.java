package dev.dualkey.gateway.console.page;

import java.security.SecureRandom;
import java.util.List;

import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.console.web.CsrfGuard;
import dev.dualkey.gateway.protect.ProtectedOperations;
import dev.dualkey.storage.ObjectStore;

/** Assembles the console's pages over its five collaborators. */
public final class ConsolePages {
    private ConsolePages() {
    }

    /**
     * @param store      the object store the S3 API serves
     * @param auth       sign-in and sessions
     * @param directory  users, keys and devices
     * @param authorizer IAM policy decisions
     * @param protect    the service every MFA-protected change goes through (the S3 API's own)
     * @param mfaSecure  whether the console listener counts as secure for MFA codes (TLS or loopback-only, D4)
     * @param region     region recorded for buckets created in the console
     */
    public static ConsoleApp create(ObjectStore store, ConsoleAuth auth, IdentityDirectory directory,
                                    Authorizer authorizer, ProtectedOperations protect, boolean mfaSecure,
                                    String region) {
        return create(store, auth, directory, authorizer, protect, mfaSecure, region,
                dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals.ANY);
    }

    /** @param principals the principals a bucket policy may name (the identity store's accounts and users) */
    public static ConsoleApp create(ObjectStore store, ConsoleAuth auth, IdentityDirectory directory,
                                    Authorizer authorizer, ProtectedOperations protect, boolean mfaSecure,
                                    String region, dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals principals) {
        return create(store, auth, directory, authorizer, protect, mfaSecure, region, principals, null);
    }

    /** @param audit the audit log the audit page reads (issue 18), or null for no audit page */
    public static ConsoleApp create(ObjectStore store, ConsoleAuth auth, IdentityDirectory directory,
                                    Authorizer authorizer, ProtectedOperations protect, boolean mfaSecure,
                                    String region, dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals principals,
                                    dev.dualkey.mfa.audit.AuditLog audit) {
        return create(store, auth, directory, authorizer, protect, mfaSecure, region, principals, audit, null);
    }

    /** @param history the usage history the dashboard's growth chart draws (issue 18), or null for no chart */
    public static ConsoleApp create(ObjectStore store, ConsoleAuth auth, IdentityDirectory directory,
                                    Authorizer authorizer, ProtectedOperations protect, boolean mfaSecure,
                                    String region, dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals principals,
                                    dev.dualkey.mfa.audit.AuditLog audit,
                                    dev.dualkey.gateway.usagehistory.UsageHistory history) {
        return create(store, auth, directory, authorizer, protect, mfaSecure, region, principals, audit, history,
                null);
    }

    /** @param settings the accounts' settings (the Settings page's alert receiver, issue 18), or null for no page */
    public static ConsoleApp create(ObjectStore store, ConsoleAuth auth, IdentityDirectory directory,
                                    Authorizer authorizer, ProtectedOperations protect, boolean mfaSecure,
                                    String region, dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals principals,
                                    dev.dualkey.mfa.audit.AuditLog audit,
                                    dev.dualkey.gateway.usagehistory.UsageHistory history,
                                    dev.dualkey.gateway.settings.AccountSettings settings) {
        SecureRandom random = new SecureRandom();
        CsrfGuard csrf = new CsrfGuard(random);
        PageRenderer renderer = new PageRenderer(csrf);
        MfaProtectedPages mfa = new MfaProtectedPages(authorizer, protect, mfaSecure, user -> {
            List<IdentityDirectory.Device> devices = directory.devices(user.accountId(), user.userName());
            return devices.stream().map(IdentityDirectory.Device::serialNumber).toList();
        });
        ConsoleRouter router = new ConsoleRouter(auth, csrf, renderer, new SignInPages(auth, renderer, csrf, random),
                new BucketPages(store, authorizer, renderer, region, mfa), mfa,
                new CredentialPages(directory, authorizer, renderer), new UserPages(directory, authorizer, renderer),
                principals);
        if (audit != null) { // issue 18: the audit page, and its link for those who may read it
            AuditPages pages = new AuditPages(audit, authorizer, renderer);
            renderer.auditLink(pages::allowed);
            router.withAuditPages(pages);
        }
        if (history != null) { // issue 18: the dashboard's growth chart
            router.withUsageHistory(history);
        }
        if (settings != null) { // issue 18: the Settings page (the account's alert receiver), root only
            SettingsPages pages = new SettingsPages(settings, directory, renderer, mfaSecure);
            renderer.settingsLink(pages::visibleTo);
            router.withSettingsPages(pages);
        }
        return router;
    }
}
