package io.syncline.persist.file;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.SecretKey;

/**
 * Supplies AES-256 keys for file encryption. Each encrypted file records the id of its key in its
 * header, so keys can be rotated: new writes use {@link #keyIdFor}, reads look the recorded id up
 * with {@link #key}.
 *
 * <p>Implementations are called from the persister's worker thread and must be thread-safe.
 */
public interface KeyProvider {

  /**
   * The key id to encrypt new files of a persistence key with, or {@code null} to write that key's
   * files unencrypted. The persister's index file asks for {@link #INDEX_KEY}.
   */
  String keyIdFor(String persistenceKey);

  /** The 256-bit AES key with this id, or {@code null} if the id is unknown. */
  SecretKey key(String keyId);

  /** The pseudo persistence key under which {@link #keyIdFor} is asked about the index file. */
  String INDEX_KEY = "";

  /** A provider that encrypts every file, the index included, with one key. */
  static KeyProvider single(String keyId, SecretKey key) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(key, "key");
    return of(Map.of(keyId, key), persistenceKey -> keyId);
  }

  /**
   * A provider over a fixed set of keys.
   *
   * @param keys every key that may be needed to read existing files, by id
   * @param keyIdFor chooses the key id for new files of a persistence key; may return null
   */
  static KeyProvider of(Map<String, SecretKey> keys, Function<String, String> keyIdFor) {
    Map<String, SecretKey> copy = Map.copyOf(keys);
    Objects.requireNonNull(keyIdFor, "keyIdFor");
    return new KeyProvider() {
      @Override
      public String keyIdFor(String persistenceKey) {
        return keyIdFor.apply(persistenceKey);
      }

      @Override
      public SecretKey key(String keyId) {
        return copy.get(keyId);
      }
    };
  }
}
