/** Shared IAM input validation (model patterns and lengths, AWS-worded messages) and listing pages. */
package dev.dualkey.mfa.validate;
