package dev.onelog.internal.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.internal.storage.StatementCache;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.jdbc4.JDBC4Connection;

class ReadPoolTest {
  @TempDir Path dir;

  /**
   * A real SQLite connection whose close closes it, then fails: SQLite's own close hardly ever
   * fails, so the fault is injected at this one seam, as Tape's tests subclass RandomAccessFile.
   */
  private static final class FailingClose extends JDBC4Connection {
    private final String failure;

    FailingClose(Path file, String failure) throws SQLException {
      super("jdbc:sqlite:" + file, file.toString(), new Properties());
      this.failure = failure;
    }

    @Override
    public void close() throws SQLException {
      super.close();
      throw new SQLException(failure);
    }
  }

  @Test
  void closeThrowsTheFirstFailureWithTheOthersSuppressedAndClosesEverySession() throws Exception {
    Path file = dir.resolve("pool.db");
    ReadPool pool = new ReadPool(file, Duration.ofSeconds(1));
    List<FailingClose> connections = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      FailingClose connection = new FailingClose(file, "close " + i + " failed");
      connections.add(connection);
      pool.release(new StatementCache(connection, 8));
    }
    // Idle sessions are lent and closed newest first.
    SQLException e = assertThrows(SQLException.class, pool::close);
    assertEquals("close 3 failed", e.getMessage());
    assertEquals(
        List.of("close 2 failed", "close 1 failed"),
        Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList());
    for (FailingClose connection : connections) {
      assertTrue(connection.isClosed(), "every idle session is closed despite the failures");
    }
    pool.close(); // idempotent: nothing left to close
  }
}
