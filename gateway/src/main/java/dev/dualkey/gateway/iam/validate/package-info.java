/**
 * Input validation for the IAM Query API: the model's constrained shapes
 * ({@link dev.dualkey.gateway.iam.validate.IamShape}), the declared members of each action
 * ({@link dev.dualkey.gateway.iam.validate.Param}), and the one
 * {@link dev.dualkey.gateway.iam.validate.ParamValidator} that turns violations into {@code ValidationError}
 * in AWS wording without echoing secrets or huge inputs.
 */
package dev.dualkey.gateway.iam.validate;
