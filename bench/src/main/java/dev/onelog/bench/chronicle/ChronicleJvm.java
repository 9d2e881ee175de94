package dev.onelog.bench.chronicle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * How a JVM that runs Chronicle Queue is started: the options its scenarios' JVMs get, and the
 * version on the class path.
 *
 * <p>On Java 17 Chronicle reaches into the JDK's internals (direct memory, {@code Unsafe}, mapped
 * files' cleaners), so it needs the {@code --add-exports} and {@code --add-opens} that its own
 * parent POM ({@code net.openhft:root-parent-pom}, profile {@code java17}, property {@code
 * jvm.requiredArgs}) documents as "JVM args needed to run Chronicle libraries"; they are copied
 * here once each, in its order. The two system properties turn off its start-up announcement and
 * its usage analytics (the analytics jar is also left off the class path in bench/pom.xml), so that
 * nothing in a benchmark JVM tries to reach the network or prints into a measurement; resource
 * tracing is off, as in Chronicle's own benchmark runs.
 */
public final class ChronicleJvm {
  private ChronicleJvm() {}

  public static final List<String> OPTIONS =
      List.of(
          "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
          "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "-Dchronicle.announcer.disable=true",
          "-Dchronicle.analytics.disable=true",
          "-Djvm.resource.tracing=false");

  /** The chronicle-queue version on the class path, from its jar's Maven properties. */
  public static String version() {
    String resource = "/META-INF/maven/net.openhft/chronicle-queue/pom.properties";
    try (InputStream in = ChronicleJvm.class.getResourceAsStream(resource)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }
}
