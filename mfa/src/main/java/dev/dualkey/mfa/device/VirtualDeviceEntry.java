package dev.dualkey.mfa.device;

import dev.dualkey.mfa.identity.IamUser;

/** ListVirtualMFADevices member: the device and, when assigned, its user (null otherwise). */
public record VirtualDeviceEntry(MfaDevice device, IamUser user) {
}
