package dev.dualkey.gateway.iam.directory;

import java.time.Instant;

/**
 * A virtual MFA device as ListVirtualMFADevices shows it (never with its seed).
 *
 * @param user the user it is assigned to, or {@code null} when unassigned
 * @param enableDate {@code null} when unassigned
 */
public record IamVirtualMfaDevice(String serialNumber, IamUser user, Instant enableDate) {
}
