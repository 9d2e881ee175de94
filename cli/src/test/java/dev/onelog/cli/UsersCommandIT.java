package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code onelog users add|list|delete} as child processes, and {@code onelog serve --sasl} on a
 * non-loopback address letting in a user added so.
 */
class UsersCommandIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  private static final Pattern READY = Pattern.compile("listening on \\S+:(\\d+) ");

  @Test
  void usersAreAddedFromStandardInputListedAndDeleted() {
    assertEquals(
        "added user 'alice'\n",
        onelog.runWithInput("pw-alice\n", "users", "add", "alice").ok().stdout());
    onelog.runWithInput("pw-bob", "users", "add", "bob", "--password-stdin").ok();
    assertEquals(
        "changed the password of user 'bob'\n",
        onelog.runWithInput("pw-bob-2\n", "users", "add", "bob").ok().stdout());
    assertEquals(List.of("alice", "bob"), onelog.run("users", "list").ok().lines());
    assertEquals("deleted user 'alice'\n", onelog.run("users", "delete", "alice").ok().stdout());
    assertEquals(List.of("bob"), onelog.run("users", "list").ok().lines());
    String unknown = onelog.run("users", "delete", "alice").failsWith(1);
    assertTrue(unknown.contains("user 'alice' does not exist; known users: [bob]"), unknown);
    String empty = onelog.runWithInput("", "users", "add", "carol").failsWith(1);
    assertTrue(empty.contains("no password on standard input"), empty);
  }

  @Test
  void serveWithSaslListensOnANonLoopbackAddressWithoutInsecureAndLetsInTheUser() throws Exception {
    String noUsers = onelog.run("serve", "--listen", "0.0.0.0:0", "--sasl").failsWith(1);
    assertTrue(noUsers.contains("has no users") && noUsers.contains("onelog users add"), noUsers);
    onelog.runWithInput("pw-alice\n", "users", "add", "alice").ok();
    Process server =
        new ProcessBuilder(onelog.command("serve", "--listen", "0.0.0.0:0", "--sasl"))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader err =
          new BufferedReader(
              new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8));
      String output =
          CompletableFuture.supplyAsync(
                  () -> {
                    StringBuilder lines = new StringBuilder();
                    try {
                      for (String line; (line = err.readLine()) != null; ) {
                        lines.append(line).append('\n');
                        if (READY.matcher(line).find()) {
                          break;
                        }
                      }
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                    return lines.toString();
                  })
              .get(60, TimeUnit.SECONDS);
      Matcher port = READY.matcher(output);
      assertTrue(port.find(), "the ready line: " + output);
      assertTrue(output.contains("PLAIN sends passwords in clear"), output);
      assertTrue(output.contains("security.protocol=SASL_PLAINTEXT"), output);

      assertEquals(List.of(), topics(port.group(1), "pw-alice"));
      Exception refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              Exception.class, () -> topics(port.group(1), "wrong"));
      assertTrue(
          String.valueOf(refused.getMessage()).contains("Authentication failed"),
          refused.toString());
    } finally {
      server.destroy();
      assertTrue(server.waitFor(20, TimeUnit.SECONDS), "ends on SIGTERM");
    }
    assertFalse(onelog.run("users", "list").ok().lines().isEmpty());
  }

  private static List<String> topics(String port, String password) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
    props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    props.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
    props.put(
        SaslConfigs.SASL_JAAS_CONFIG,
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\""
            + " password=\""
            + password
            + "\";");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    try (Admin admin = Admin.create(props)) {
      return List.copyOf(admin.listTopics().names().get(15, TimeUnit.SECONDS));
    }
  }
}
