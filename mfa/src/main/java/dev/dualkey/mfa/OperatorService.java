package dev.dualkey.mfa;

import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.ImportResult;
import dev.dualkey.mfa.device.MfaDeviceService;
import dev.dualkey.mfa.device.TokenImport;
import dev.dualkey.mfa.error.NoSuchEntityException;
import dev.dualkey.mfa.identity.AccountCreated;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.signin.SignInService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * What the {@code dualkey admin ...} commands do, on the server's data directory. Every operation is audited
 * with principal {@code operator}.
 */
public final class OperatorService {
    private final IdentityService identity;
    private final MfaDeviceService devices;
    private final SignInService signIn;
    private final AuditLog audit;
    private final Clock clock;

    OperatorService(IdentityService identity, MfaDeviceService devices, SignInService signIn, AuditLog audit,
                    Clock clock) {
        this.clock = clock;
        this.identity = identity;
        this.devices = devices;
        this.signIn = signIn;
        this.audit = audit;
    }

    /** {@code admin import-tokens FILE}: PSKC (plain secrets) or CSV. */
    public ImportResult importTokens(Path file) {
        return importTokens(file, null);
    }

    /** {@code admin import-tokens FILE --transport-key HEX}: PSKC with secrets under a 16-byte transport key. */
    public ImportResult importTokens(Path file, byte[] transportKey) {
        return devices.importHardwareTokens(Actor.operator(), TokenImport.read(file, transportKey));
    }

    /** {@code admin deactivate-root-mfa --account ID}: the lost-root-device recovery (D10); returns the serials. */
    public List<String> deactivateRootMfa(String accountId) {
        identity.account(accountId).orElseThrow(() -> new NoSuchEntityException("The account " + accountId
                + " cannot be found."));
        List<String> serials = devices.deactivateAll(Actor.operator(), accountId, IamUser.ROOT);
        audit.append(new AuditRecord(clock.instant(), accountId, "operator", null, "admin:DeactivateRootMfa", null,
                null, null, String.join(",", serials), "OK", Actor.LOCAL, serials.size() + " device(s) deactivated"));
        return serials;
    }

    /** {@code admin create-account [--alias A]}: prints the returned root key and password once. */
    public AccountCreated createAccount(String alias) {
        return identity.createAccount(Actor.operator(), alias);
    }

    /**
     * {@code admin reset-root-password --account ID [--password P]}: returns the generated password (null when
     * given) and revokes the root user's console sessions.
     */
    public String resetRootPassword(String accountId, String newPassword) {
        String generated = identity.resetRootPassword(Actor.operator(), accountId, newPassword);
        signIn.revokeAll(accountId, IamUser.ROOT);
        return generated;
    }

    /** {@code admin audit [--since T] [--limit N]}: records at or after {@code from}, oldest first. */
    public List<AuditRecord> readAudit(Instant from, int limit) {
        return audit.read(from, limit);
    }
}
