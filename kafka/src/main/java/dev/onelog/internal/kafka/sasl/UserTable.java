package dev.onelog.internal.kafka.sasl;

import dev.onelog.OneLog;
import dev.onelog.Transaction;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * The table {@code kafka_users} (docs/FORMAT.md section 16): one row per user and SCRAM mechanism,
 * holding the SCRAM credential and never the password.
 *
 * <pre>
 * name        TEXT     the user name clients authenticate as
 * mechanism   TEXT     SCRAM-SHA-256 or SCRAM-SHA-512
 * salt        BLOB     random, 64 bytes
 * stored_key  BLOB     H(HMAC(SaltedPassword, "Client Key"))
 * server_key  BLOB     HMAC(SaltedPassword, "Server Key")
 * iterations  INTEGER  of Hi(), the PBKDF2 behind SaltedPassword
 * </pre>
 *
 * <p>Stateless and thread-safe: every method is one transaction of the log.
 */
public final class UserTable {
  static final String CREATE_TABLE =
      "CREATE TABLE IF NOT EXISTS kafka_users ("
          + " name TEXT NOT NULL,"
          + " mechanism TEXT NOT NULL,"
          + " salt BLOB NOT NULL,"
          + " stored_key BLOB NOT NULL,"
          + " server_key BLOB NOT NULL,"
          + " iterations INTEGER NOT NULL,"
          + " PRIMARY KEY (name, mechanism)) WITHOUT ROWID";

  private final OneLog log;

  private UserTable(OneLog log) {
    this.log = log;
  }

  /** The table of {@code log}, created when the file has none. */
  public static UserTable of(OneLog log) {
    log.transaction(tx -> tx.execute(CREATE_TABLE));
    return new UserTable(log);
  }

  /**
   * Stores the credentials of {@code name}, replacing the ones it had, in one transaction.
   *
   * @return whether the user already existed
   */
  public boolean put(String name, List<Credential> credentials) {
    return log.transactionResult(
        tx -> {
          boolean existed = exists(tx, name);
          tx.execute("DELETE FROM kafka_users WHERE name = ?", name);
          for (Credential c : credentials) {
            ScramCredential scram = c.credential();
            tx.execute(
                "INSERT INTO kafka_users (name, mechanism, salt, stored_key, server_key, iterations)"
                    + " VALUES (?, ?, ?, ?, ?, ?)",
                name,
                c.mechanism().mechanismName(),
                scram.salt(),
                scram.storedKey(),
                scram.serverKey(),
                scram.iterations());
          }
          return existed;
        });
  }

  /** Deletes {@code name}; returns whether it existed. */
  public boolean delete(String name) {
    return log.transactionResult(
        tx -> tx.execute("DELETE FROM kafka_users WHERE name = ?", name) > 0);
  }

  /** The user names, sorted. */
  public List<String> names() {
    return log.transactionResult(
        tx ->
            tx.query(
                "SELECT DISTINCT name FROM kafka_users ORDER BY name", row -> row.getString(1)));
  }

  /** The credential of {@code name} for {@code mechanism}, if the user exists. */
  public Optional<ScramCredential> credential(String name, ScramMechanism mechanism) {
    List<ScramCredential> found =
        log.transactionResult(
            tx ->
                tx.query(
                    "SELECT salt, stored_key, server_key, iterations FROM kafka_users"
                        + " WHERE name = ? AND mechanism = ?",
                    row ->
                        new ScramCredential(
                            row.getBytes(1), row.getBytes(2), row.getBytes(3), row.getInt(4)),
                    name,
                    mechanism.mechanismName()));
    return found.stream().findFirst();
  }

  private static boolean exists(Transaction tx, String name) {
    return !tx.query("SELECT 1 FROM kafka_users WHERE name = ? LIMIT 1", row -> 1, name).isEmpty();
  }

  /** One stored credential: a user's SCRAM credential for one mechanism. */
  public record Credential(ScramMechanism mechanism, ScramCredential credential) {}
}
