/**
 * The IAM actions, one small class per family (users, access keys, login profiles, user policies, account,
 * MFA devices), registered by {@link dev.dualkey.gateway.iam.action.IamActions}. Each action authorizes on the
 * resource ARN IAM uses, calls the {@link dev.dualkey.gateway.iam.directory.IamDirectory}, and writes its
 * result shape; paging is done here ({@link dev.dualkey.gateway.iam.action.Page}).
 */
package dev.dualkey.gateway.iam.action;
