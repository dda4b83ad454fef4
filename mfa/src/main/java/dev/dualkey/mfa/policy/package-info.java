/**
 * IAM identity policies: {@link dev.dualkey.mfa.policy.PolicyParser} (strict JSON) and
 * {@link dev.dualkey.mfa.policy.PolicyEvaluator} (explicit Deny wins, default deny, wildcards, policy variables,
 * conditions such as {@code Bool aws:MultiFactorAuthPresent}). Pure: no storage.
 */
package dev.dualkey.mfa.policy;
