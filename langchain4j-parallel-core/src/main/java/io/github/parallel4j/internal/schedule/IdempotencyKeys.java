package io.github.parallel4j.internal.schedule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * A call's idempotency key: the name-based (version 3) UUID of its turn's key and its id, the very value of
 * {@link UUID#nameUUIDFromBytes}, made on the call's thread just before its tool starts. That method looks its MD5
 * digest up among the security providers on every call; here one digest is looked up once and each key is made with
 * a clone of it, which costs the same on every kind of thread (a pooled one, or a new virtual thread per call, where
 * a digest kept per thread would be looked up again for every call).
 */
final class IdempotencyKeys {

    /** Never updated: only cloned, so that concurrent clones are safe. */
    private static final MessageDigest MD5 = md5();

    private IdempotencyKeys() {}

    /**
     * @param turnKey the turn's stable name
     * @param callId the call's id within the turn
     * @return the same text as {@code UUID.nameUUIDFromBytes((turnKey + "/" + callId).getBytes(UTF_8)).toString()}
     */
    static String of(String turnKey, String callId) {
        byte[] hash = digest().digest((turnKey + "/" + callId).getBytes(StandardCharsets.UTF_8));
        hash[6] &= 0x0f; // version 3, as UUID.nameUUIDFromBytes sets it
        hash[6] |= 0x30;
        hash[8] &= 0x3f; // the IETF variant
        hash[8] |= (byte) 0x80;
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (hash[i] & 0xff);
            least = (least << 8) | (hash[i + 8] & 0xff);
        }
        return new UUID(most, least).toString();
    }

    private static MessageDigest digest() {
        try {
            return (MessageDigest) MD5.clone();
        } catch (CloneNotSupportedException e) {
            return md5(); // a provider whose digest cannot be cloned: look it up, as UUID.nameUUIDFromBytes does
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new InternalError("MD5 not supported", e); // as UUID.nameUUIDFromBytes: every JDK has it
        }
    }
}
