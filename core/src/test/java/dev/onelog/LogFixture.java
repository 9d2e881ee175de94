package dev.onelog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Opens logs in a fresh temporary directory per test; after each test closes them and checks every
 * file's invariants ({@link LogInvariants}). Use with {@code @RegisterExtension}.
 */
public final class LogFixture implements BeforeEachCallback, AfterEachCallback {
  private Path dir;
  private final List<OneLog> open = new ArrayList<>();
  private final Set<Path> files = new LinkedHashSet<>();
  private boolean skipInvariants;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("onelog-test");
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    for (OneLog log : open) {
      log.close();
    }
    open.clear();
    if (!skipInvariants && context.getExecutionException().isEmpty()) {
      for (Path file : files) {
        if (Files.exists(file) && Files.size(file) > 0) {
          LogInvariants.check(file);
        }
      }
    }
    files.clear();
    skipInvariants = false;
    deleteRecursively(dir);
  }

  public Path dir() {
    return dir;
  }

  public Path file(String name) {
    Path file = dir.resolve(name);
    files.add(file);
    return file;
  }

  public OneLog open() {
    return open(OneLog.builder(file("test.db")));
  }

  public OneLog open(OneLogBuilder builder) {
    OneLog log = builder.open();
    open.add(log);
    files.add(log.path());
    return log;
  }

  public OneLogBuilder builder() {
    return OneLog.builder(file("test.db"));
  }

  /** For tests whose file is deliberately broken. */
  public void skipInvariants() {
    skipInvariants = true;
  }

  private static void deleteRecursively(Path path) {
    try (var walk = Files.walk(path)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  p.toFile().setWritable(true);
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
