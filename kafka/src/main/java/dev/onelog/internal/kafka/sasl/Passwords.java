package dev.onelog.internal.kafka.sasl;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * Turns a password into the SCRAM credentials stored for it, and checks a password against one,
 * with kafka-clients' {@link ScramFormatter} (RFC 5802: PBKDF2 with HMAC, a random salt per user
 * and mechanism). Stateless and thread-safe.
 */
public final class Passwords {
  /** Iterations of Hi(): Kafka's minimum and its kafka-configs default for SCRAM. */
  public static final int ITERATIONS = 4096;

  private Passwords() {}

  /** One fresh credential per SCRAM mechanism for {@code password}. */
  public static List<UserTable.Credential> credentials(String password) {
    if (password.isEmpty()) {
      throw new IllegalArgumentException("the password is empty; give at least one character");
    }
    List<UserTable.Credential> credentials = new ArrayList<>();
    for (ScramMechanism mechanism : ScramMechanism.values()) {
      credentials.add(
          new UserTable.Credential(
              mechanism, formatter(mechanism).generateCredential(password, ITERATIONS)));
    }
    return credentials;
  }

  /**
   * Whether {@code password} is the one {@code stored} was made from: derives the stored key with
   * the same salt and iterations and compares in constant time.
   */
  static boolean matches(ScramMechanism mechanism, ScramCredential stored, String password) {
    try {
      ScramFormatter formatter = formatter(mechanism);
      byte[] salted = formatter.saltedPassword(password, stored.salt(), stored.iterations());
      byte[] storedKey = formatter.storedKey(formatter.clientKey(salted));
      return MessageDigest.isEqual(storedKey, stored.storedKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot compute " + mechanism.macAlgorithm(), e);
    }
  }

  private static ScramFormatter formatter(ScramMechanism mechanism) {
    try {
      return new ScramFormatter(mechanism);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + mechanism.hashAlgorithm(), e);
    }
  }
}
