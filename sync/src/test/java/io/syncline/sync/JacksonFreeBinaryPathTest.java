package io.syncline.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.core.Store;
import io.syncline.sync.protocol.Encoding;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Jackson is an optional dependency: the binary path must neither need nor load it. The
 * scenario runs in a class loader that sees only the JDK, core and sync (main and test classes),
 * and records every class it defines.
 */
class JacksonFreeBinaryPathTest {
  /** Defines core and sync classes itself (child-first), recording their names. */
  static final class RecordingLoader extends URLClassLoader {
    final List<String> defined = new CopyOnWriteArrayList<>();

    RecordingLoader(URL[] urls) {
      super("no-jackson", urls, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      Class<?> c = super.findClass(name);
      defined.add(name);
      return c;
    }
  }

  private static URL location(Class<?> c) {
    return c.getProtectionDomain().getCodeSource().getLocation();
  }

  @Test
  void hubAndManagerSyncInBinaryWithoutJacksonAndNeverLoadTheJsonCodec() throws Exception {
    URL[] urls = {location(Store.class), location(SyncHub.class),
        location(BinaryOnlyScenario.class)};
    try (RecordingLoader loader = new RecordingLoader(urls)) {
      assertThatThrownBy(() -> loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"))
          .isInstanceOf(ClassNotFoundException.class);
      Runnable scenario = (Runnable) loader.loadClass(BinaryOnlyScenario.class.getName())
          .getDeclaredConstructor().newInstance();
      scenario.run();
      assertThat(loader.defined).contains(SyncHub.class.getName(), SyncManager.class.getName(),
          "io.syncline.sync.protocol.BinaryCodec");
      assertThat(loader.defined)
          .noneMatch(n -> n.startsWith("io.syncline.sync.protocol.JsonCodec"))
          .noneMatch(n -> n.startsWith("com.fasterxml"));
    }
  }

  @Test
  void withJacksonPresentJsonIsAvailableAndOfferedByDefault() {
    assertThat(Encoding.JSON.isAvailable()).isTrue();
    assertThat(Encoding.available()).containsExactly(Encoding.BINARY, Encoding.JSON);
  }
}
