package dev.onelog.kafka;

import dev.onelog.OneLog;
import dev.onelog.internal.kafka.sasl.Passwords;
import dev.onelog.internal.kafka.sasl.UserTable;
import java.util.List;
import java.util.Objects;

/**
 * The users a {@link KafkaServer} with {@link KafkaServer.Builder#sasl() SASL} lets in, kept in the
 * log's file (table {@code kafka_users}, docs/FORMAT.md section 16). The file keeps no password:
 * only SCRAM-SHA-256 and SCRAM-SHA-512 credentials (salt, stored key, server key, 4096 iterations),
 * which PLAIN checks passwords against as well. A change is seen by the next authentication, also
 * of a server already running on the file; connections already authenticated stay open.
 *
 * <pre>{@code
 * KafkaUsers.of(log).add("alice", password);
 * }</pre>
 *
 * <p>Thread-safe: each method is one transaction of the log.
 */
public final class KafkaUsers {
  private final UserTable table;

  private KafkaUsers(UserTable table) {
    this.table = table;
  }

  /** The users of {@code log}; creates the table when the file has none. */
  public static KafkaUsers of(OneLog log) {
    return new KafkaUsers(UserTable.of(Objects.requireNonNull(log, "log")));
  }

  /**
   * Adds {@code name} with {@code password}, or changes the password of an existing user.
   *
   * @return true when the user was added, false when an existing user's password was changed
   * @throws IllegalArgumentException when the name or password is empty, or the name has a
   *     character SASL cannot carry (a control character)
   */
  public boolean add(String name, String password) {
    checkName(name);
    Objects.requireNonNull(password, "password");
    return !table.put(name, Passwords.credentials(password));
  }

  /** The user names, sorted. */
  public List<String> list() {
    return table.names();
  }

  /** Deletes {@code name}; returns whether it existed. */
  public boolean delete(String name) {
    Objects.requireNonNull(name, "name");
    return table.delete(name);
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("the user name is empty; give at least one character");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException(
            "user name '"
                + name.replaceAll("\\p{Cntrl}", "?")
                + "' has a control character at index "
                + i
                + "; SASL cannot carry it");
      }
    }
  }
}
