package dev.onelog.internal.group;

import java.net.InetAddress;

/** Names this process as {@code group_members.client} records it: {@code pid@host}. */
final class Clients {
  private Clients() {}

  private static final String THIS_PROCESS = ProcessHandle.current().pid() + "@" + host();

  static String thisProcess() {
    return THIS_PROCESS;
  }

  private static String host() {
    String fromEnvironment = System.getenv("HOSTNAME");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
