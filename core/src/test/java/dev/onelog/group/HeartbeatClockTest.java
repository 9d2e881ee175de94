package dev.onelog.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onelog.LogFixture;
import dev.onelog.OneLog;
import dev.onelog.TopicSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The time a group step writes (a heartbeat, a join) is the time it holds the write lock, not the
 * time it began to wait for it: a heartbeat stamped with the start of a long wait makes the member
 * look older than it is, and another process expires it sooner than its session timeout after the
 * heartbeat was written.
 */
class HeartbeatClockTest {
  @RegisterExtension final LogFixture logs = new LogFixture();

  @Test
  void aHeartbeatThatWaitedForTheWriteLockCarriesTheTimeItWasWritten() throws Exception {
    OneLog log = logs.open();
    log.createTopic(TopicSpec.named("t"));
    Path file = log.path();
    try (GroupConsumer member =
            log.groups()
                .consumer("g")
                .topics("t")
                .heartbeatInterval(Duration.ofMillis(100))
                .open();
        Connection holder = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        Connection reader = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        Statement lock = holder.createStatement()) {
      lock.execute("BEGIN IMMEDIATE");
      long before = heartbeatAtMs(holder, member.memberId());
      TimeUnit.MILLISECONDS.sleep(1000); // the member's heartbeat waits for the lock meanwhile
      long releasedAt = System.currentTimeMillis();
      lock.execute("COMMIT");

      long written = before;
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (written == before && System.nanoTime() < deadline) {
        written = heartbeatAtMs(reader, member.memberId());
      }
      assertTrue(written != before, "the member heartbeated after the lock was released");
      assertTrue(
          written >= releasedAt - 50,
          "the first heartbeat written after the lock was released at "
              + releasedAt
              + " says "
              + written
              + ", "
              + (releasedAt - written)
              + " ms earlier: it carries the time its wait for the lock began");
    }
  }

  private static long heartbeatAtMs(Connection c, String memberId) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement("SELECT heartbeat_at_ms FROM group_members WHERE member_id = ?")) {
      select.setString(1, memberId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }
}
