/**
 * Master key rotation ({@code dualkey admin rotate-master-key}): a new master key is introduced while the old one
 * still reads, every secret sealed under the old one is sealed again and every object data key wrapped under it is
 * wrapped again (data is never re-encrypted), with a persisted cursor so that a run killed anywhere is finished by
 * running it again; then the old key is retired. {@link dev.dualkey.gateway.rotate.MasterKeyRotation} is the job,
 * the same in the server (admin socket) and offline; {@link dev.dualkey.gateway.rotate.RotationState} its cursor
 * file.
 *
 * <p>How old and new coexist: every sealed secret (SecretBox layout 2) and every wrapped data key
 * ({@code crypto.MasterKeyWrapper}) starts with the fingerprint of the key that sealed it, and the server loads
 * the current key and the previous ones ({@code mfa.secret.MasterKey.Ring}), so an item under either opens.
 */
package dev.dualkey.gateway.rotate;
