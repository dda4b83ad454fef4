package dev.dualkey.mfa.device;

import java.time.Instant;
import java.util.Map;

/**
 * An MFA device as the IAM API shows it (never with its seed).
 *
 * @param accountId  owning account; null for a hardware token not yet enabled by anyone
 * @param userName   assigned user ({@code root} for the root user); null when unassigned
 * @param enableDate when it was enabled; null when unassigned
 * @param tags       device tags, sorted by key
 */
public record MfaDevice(String serialNumber, DeviceType type, String accountId, String userName,
                        Instant enableDate, Instant createDate, Map<String, String> tags) {
    public boolean assigned() {
        return userName != null;
    }
}
