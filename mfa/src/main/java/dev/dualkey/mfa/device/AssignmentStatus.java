package dev.dualkey.mfa.device;

/** ListVirtualMFADevices filter ({@code assignmentStatusType}). */
public enum AssignmentStatus {
    Assigned, Unassigned, Any
}
