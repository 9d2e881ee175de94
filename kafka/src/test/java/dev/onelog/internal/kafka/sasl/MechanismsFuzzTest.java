package dev.onelog.internal.kafka.sasl;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.onelog.OneLog;
import dev.onelog.internal.kafka.Allocations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the SASL messages a client sends before it is authenticated, parsed by the servers {@link
 * Mechanisms} makes (kafka-clients' PLAIN and SCRAM servers, checking the users of a real file):
 * PLAIN's "authzid NUL user NUL password", SCRAM's client-first and client-final messages. Contract
 * on arbitrary bytes: each step answers a challenge or throws {@link SaslException} or {@link
 * SaslAuthenticationException} (both answered SASL_AUTHENTICATION_FAILED by {@code
 * SaslAuthenticator}), never another exception, allocating in proportion to the messages.
 *
 * <p>The input's first byte picks the mechanism ({@link Mechanisms#NAMES}, modulo 3); the rest is
 * the client's messages, separated by 0xFF (a byte UTF-8 never holds). The file has one user,
 * alice. Regression inputs: {@code MechanismsFuzzTestInputs/exchangeAnswersOrFails/}.
 */
class MechanismsFuzzTest {
  @TempDir static Path dir;

  private static OneLog log;
  private static Mechanisms mechanisms;

  @BeforeAll
  static void open() {
    log = OneLog.open(dir.resolve("users.db"));
    UserTable users = UserTable.of(log);
    users.put("alice", Passwords.credentials("s3cret"));
    mechanisms = new Mechanisms(users);
  }

  @AfterAll
  static void close() {
    log.close();
  }

  @FuzzTest(maxDuration = "3m")
  void exchangeAnswersOrFails(byte[] input) {
    if (input.length < 1) {
      return;
    }
    String mechanism = Mechanisms.NAMES.get((input[0] & 0xff) % Mechanisms.NAMES.size());
    List<byte[]> messages = split(Arrays.copyOfRange(input, 1, input.length));
    Allocations.assertAtMost(
        16L * 1024 * 1024 + 512L * input.length,
        mechanism + " exchange",
        () -> exchange(mechanism, messages));
  }

  private static void exchange(String mechanism, List<byte[]> messages) {
    SaslServer server = mechanisms.newServer(mechanism);
    try {
      for (byte[] message : messages) {
        server.evaluateResponse(message);
        if (server.isComplete()) {
          return;
        }
      }
    } catch (SaslException | SaslAuthenticationException expected) {
      // the documented failures (kafka-clients' servers throw the second for a wrong user or
      // password): SASL_AUTHENTICATION_FAILED, then the connection closes
    }
  }

  private static List<byte[]> split(byte[] bytes) {
    List<byte[]> messages = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == (byte) 0xff) {
        messages.add(Arrays.copyOfRange(bytes, from, i));
        from = i + 1;
      }
    }
    return messages;
  }
}
