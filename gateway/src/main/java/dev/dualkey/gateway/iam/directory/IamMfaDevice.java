package dev.dualkey.gateway.iam.directory;

import java.time.Instant;

/**
 * An MFA device as ListMFADevices and GetMFADevice show it.
 *
 * @param userName the user it is enabled for ({@code root} for the root user)
 * @param enableDate when it was enabled
 */
public record IamMfaDevice(String serialNumber, String userName, Instant enableDate) {
}
