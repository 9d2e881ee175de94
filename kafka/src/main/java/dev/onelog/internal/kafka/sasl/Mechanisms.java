package dev.onelog.internal.kafka.sasl;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;

/**
 * The SASL mechanisms the server offers, each a kafka-clients SASL server checking the users of one
 * {@link UserTable}. PLAIN checks the password against the user's SCRAM-SHA-512 credential; SCRAM
 * never sees the password. Thread-safe; each {@link SaslServer} it makes belongs to one connection.
 *
 * <p>The callbacks read the file, so {@link SaslServer#evaluateResponse} must run on a worker
 * thread, never on an event loop.
 */
public final class Mechanisms {
  /** What SaslHandshake offers, in Kafka's spelling. */
  public static final List<String> NAMES = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

  private final UserTable users;

  public Mechanisms(UserTable users) {
    this.users = users;
  }

  /**
   * A fresh server for {@code mechanism}, one of {@link #NAMES}.
   *
   * @throws IllegalArgumentException for any other mechanism
   */
  public SaslServer newServer(String mechanism) {
    if ("PLAIN".equals(mechanism)) {
      return new PlainSaslServer(this::handlePlain);
    }
    ScramMechanism scram = ScramMechanism.forMechanismName(mechanism);
    if (scram == null) {
      throw new IllegalArgumentException(
          "SASL mechanism '" + mechanism + "' is not offered; choose one of " + NAMES);
    }
    try {
      return new ScramSaslServer(scram, Map.of(), callbacks -> handleScram(scram, callbacks));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + scram.hashAlgorithm(), e);
    }
  }

  private void handlePlain(Callback[] callbacks) throws UnsupportedCallbackException {
    String name = null;
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback nameCallback) {
        name = nameCallback.getDefaultName();
      } else if (callback instanceof PlainAuthenticateCallback plain) {
        String password = new String(plain.password());
        plain.authenticated(
            name != null
                && users
                    .credential(name, ScramMechanism.SCRAM_SHA_512)
                    .map(c -> Passwords.matches(ScramMechanism.SCRAM_SHA_512, c, password))
                    .orElse(false));
      } else {
        throw new UnsupportedCallbackException(callback);
      }
    }
  }

  private void handleScram(ScramMechanism mechanism, Callback[] callbacks)
      throws UnsupportedCallbackException {
    String name = null;
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback nameCallback) {
        name = nameCallback.getDefaultName();
      } else if (callback instanceof ScramCredentialCallback credential) {
        // No credential (an unknown user) makes the SCRAM server fail the exchange.
        credential.scramCredential(
            name == null ? null : users.credential(name, mechanism).orElse(null));
      } else {
        // Delegation tokens (tokenauth=true) are not supported: the exchange fails.
        throw new UnsupportedCallbackException(callback);
      }
    }
  }
}
