package dev.onelog.internal.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prepared statements of one connection, by SQL text, least recently used evicted (and closed)
 * beyond a bound. Not thread-safe: it belongs to the one thread that uses its connection.
 */
public final class StatementCache implements AutoCloseable {
  private final Connection connection;
  private final Map<String, PreparedStatement> statements;
  private SQLException evictionFailure;

  public StatementCache(Connection connection, int maxStatements) {
    this.connection = connection;
    this.statements =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= maxStatements) {
              return false;
            }
            try {
              eldest.getValue().close();
            } catch (SQLException e) {
              evictionFailure = e;
            }
            return true;
          }
        };
  }

  public Connection connection() {
    return connection;
  }

  /** The statement for {@code sql}, prepared on first use. */
  public PreparedStatement get(String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
      if (evictionFailure != null) {
        SQLException failure = evictionFailure;
        evictionFailure = null;
        throw failure;
      }
    }
    return statement;
  }

  /**
   * The statement for {@code sql} with {@code args} bound to its parameters in order: null,
   * Integer, Long, Short, Byte, Double, Float, String, byte[] or Boolean.
   *
   * @throws IllegalArgumentException when the count of arguments is not the statement's, or an
   *     argument is of another type
   */
  public PreparedStatement bound(String sql, Object... args) throws SQLException {
    PreparedStatement statement = get(sql);
    statement.clearParameters();
    int expected = statement.getParameterMetaData().getParameterCount();
    if (args.length != expected) {
      throw new IllegalArgumentException(
          "the statement has " + expected + " parameter(s) but " + args.length + " were given");
    }
    for (int i = 0; i < args.length; i++) {
      Object arg = args[i];
      int index = i + 1;
      if (arg == null) {
        statement.setNull(index, java.sql.Types.NULL);
      } else if (arg instanceof Integer
          || arg instanceof Long
          || arg instanceof Short
          || arg instanceof Byte) {
        statement.setLong(index, ((Number) arg).longValue());
      } else if (arg instanceof Double || arg instanceof Float) {
        statement.setDouble(index, ((Number) arg).doubleValue());
      } else if (arg instanceof String s) {
        statement.setString(index, s);
      } else if (arg instanceof byte[] bytes) {
        statement.setBytes(index, bytes);
      } else if (arg instanceof Boolean b) {
        statement.setLong(index, b ? 1 : 0);
      } else {
        throw new IllegalArgumentException(
            "argument "
                + index
                + " is a "
                + arg.getClass().getName()
                + "; use null, Integer, Long, Double, String, byte[] or Boolean");
      }
    }
    return statement;
  }

  /** Closes every statement, e.g. after a table was dropped; the connection stays open. */
  public void clear() throws SQLException {
    SQLException failure = null;
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    statements.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Drops every statement after a failed one: sqlite-jdbc finalizes a statement whose step fails
   * with most errors (SQLITE_FULL among them) without marking it closed, so it cannot be reused.
   * Failures to close are added to {@code primary}.
   */
  public void invalidate(Throwable primary) {
    try {
      clear();
    } catch (SQLException e) {
      primary.addSuppressed(e);
    }
  }

  /** Closes the statements and the connection. */
  @Override
  public void close() throws SQLException {
    try {
      clear();
    } finally {
      connection.close();
    }
  }
}
