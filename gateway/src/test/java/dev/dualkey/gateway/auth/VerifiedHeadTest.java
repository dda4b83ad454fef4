package dev.dualkey.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The event loop's signature check reused at begin (issue 19: a small PUT was verified twice): the confirmation
 * keeps every check that depends on the store or the clock (key active, same secret, session token, time) and
 * falls back to a full verification whenever the proof does not fit the request, the scope or the secret.
 */
class VerifiedHeadTest {
    static final String AK = SigV4VerifierTest.AK;
    static final String SK = SigV4VerifierTest.SK;
    static final Instant T = SigV4VerifierTest.EXAMPLE_TIME;
    static final String GOOD = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

    /** What the store holds now (begin's lookup), apart from what the event loop saw. */
    final AtomicReference<Credential> stored = new AtomicReference<>(
            new Credential(AK, SK, Principal.user("111122223333", "alice"), true));
    final CredentialProvider store = id -> Optional.ofNullable(stored.get()).filter(c -> c.accessKeyId().equals(id));
    final CredentialProvider memory = id -> id.equals(AK)
            ? Optional.of(new Credential(AK, SK, Principal.root("111122223333"), true)) : Optional.empty();

    static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    @Test
    void aConfirmedHeadAuthenticatesAsTheStoresPrincipalWithTheSameSigningKey() {
        SignableRequest req = SigV4VerifierTest.getObjectExample(GOOD);
        VerifiedHead proof = new SigV4Verifier(memory, at(T), "s3").verifyHead(req);
        assertNotNull(proof);
        AuthResult r = new SigV4Verifier(store, at(T), "s3").verify(req, null, proof);
        assertEquals("alice", r.principal().userName()); // the store's principal, not the one held in memory
        assertEquals(AK, r.accessKeyId());
        assertEquals(PayloadMode.HASHED, r.payloadMode());
        assertArrayEquals(SigV4Signer.signingKey(SK, "20130524", "us-east-1", "s3"), r.signingKey());
        assertEquals(GOOD, r.signature().signature());
    }

    @Test
    void aKeyDeactivatedOrDeletedAfterTheHeadCheckIsRefusedAtBegin() {
        SignableRequest req = SigV4VerifierTest.getObjectExample(GOOD);
        VerifiedHead proof = new SigV4Verifier(memory, at(T), "s3").verifyHead(req);
        SigV4Verifier begin = new SigV4Verifier(store, at(T), "s3");
        stored.set(new Credential(AK, SK, Principal.root("111122223333"), false));
        assertEquals(S3ErrorCode.INVALID_ACCESS_KEY_ID,
                assertThrows(S3Exception.class, () -> begin.verify(req, null, proof)).error());
        stored.set(null);
        assertEquals(S3ErrorCode.INVALID_ACCESS_KEY_ID,
                assertThrows(S3Exception.class, () -> begin.verify(req, null, proof)).error());
    }

    @Test
    void aSecretChangedSinceTheHeadCheckMeansAFullVerificationWhichFails() {
        SignableRequest req = SigV4VerifierTest.getObjectExample(GOOD);
        VerifiedHead proof = new SigV4Verifier(memory, at(T), "s3").verifyHead(req);
        stored.set(new Credential(AK, SK + "rotated", Principal.root("111122223333"), true));
        S3Exception e = assertThrows(S3Exception.class,
                () -> new SigV4Verifier(store, at(T), "s3").verify(req, null, proof));
        assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, e.error());
    }

    @Test
    void aProofIsNeverAcceptedForAnotherRequest() {
        SignableRequest signed = SigV4VerifierTest.getObjectExample(GOOD);
        VerifiedHead proof = new SigV4Verifier(memory, at(T), "s3").verifyHead(signed);
        SignableRequest forged = SigV4VerifierTest.getObjectExample(GOOD.replace('f', 'e'));
        S3Exception e = assertThrows(S3Exception.class,
                () -> new SigV4Verifier(store, at(T), "s3").verify(forged, null, proof));
        assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, e.error());
        // an equal request that is another instance is verified in full (and passes: it is signed)
        SignableRequest equal = SigV4VerifierTest.getObjectExample(GOOD);
        assertEquals(AK, new SigV4Verifier(store, at(T), "s3").verify(equal, null, proof).accessKeyId());
    }

    @Test
    void aProofOfAnotherScopeIsVerifiedAgainInFull() {
        SignableRequest req = SigV4VerifierTest.getObjectExample(GOOD);
        VerifiedHead anyRegion = new SigV4Verifier(memory, at(T), "s3").verifyHead(req);
        S3Exception region = assertThrows(S3Exception.class,
                () -> new SigV4Verifier(store, at(T), "s3", "eu-west-1").verify(req, null, anyRegion));
        assertEquals(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED, region.error());
        S3Exception service = assertThrows(S3Exception.class,
                () -> new SigV4Verifier(store, at(T), "iam").verify(req, null, anyRegion));
        assertEquals(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED, service.error());
    }

    @Test
    void theClockRulesApplyAgainAtBegin() {
        SignableRequest req = SigV4VerifierTest.getObjectExample(GOOD);
        VerifiedHead proof = new SigV4Verifier(memory, at(T.plusSeconds(15 * 60)), "s3").verifyHead(req);
        S3Exception e = assertThrows(S3Exception.class,
                () -> new SigV4Verifier(store, at(T.plusSeconds(15 * 60 + 1)), "s3").verify(req, null, proof));
        assertEquals(S3ErrorCode.REQUEST_TIME_TOO_SKEWED, e.error());
    }

    @Test
    void aSessionThatExpiredSinceTheHeadCheckIsRefused() {
        String akid = SigV4SessionTokenTest.SESSION;
        SignableRequest req = SigV4SessionTokenTest.headerSigned(akid, SigV4SessionTokenTest.TOKEN, true);
        SigV4Verifier loop = new SigV4Verifier(SigV4SessionTokenTest.KEYS, at(SigV4SessionTokenTest.NOW), "s3");
        VerifiedHead proof = loop.verifyHead(req);
        Credential live = SigV4SessionTokenTest.KEYS.lookup(akid).orElseThrow();
        CredentialProvider expired = id -> Optional.of(new Credential(akid, live.secretKey(), live.principal(), true,
                new Credential.SessionToken(live.session().sha256(), true)));
        S3Exception e = assertThrows(S3Exception.class, () -> new SigV4Verifier(expired,
                at(SigV4SessionTokenTest.NOW), "s3").verify(req, null, proof));
        assertEquals(S3ErrorCode.EXPIRED_TOKEN, e.error());
        // the live session is confirmed, as a temporary principal
        assertEquals(true, new SigV4Verifier(SigV4SessionTokenTest.KEYS, at(SigV4SessionTokenTest.NOW), "s3")
                .verify(req, null, proof).principal().temporary());
    }

    @Test
    void aHeadThatFailsItsCheckGivesNoProof() {
        SignableRequest bad = SigV4VerifierTest.getObjectExample(GOOD.replace('f', 'e'));
        assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, assertThrows(S3Exception.class,
                () -> new SigV4Verifier(memory, at(T), "s3").verifyHead(bad)).error());
    }
}
