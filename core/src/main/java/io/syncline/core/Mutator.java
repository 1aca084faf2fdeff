package io.syncline.core;

import java.util.Map;

/**
 * A named, registered write function. Calling it through {@link Store#mutate} runs it in a
 * transaction whose {@link Changeset} carries the mutator's name and arguments, for audit,
 * validation and server-side rules.
 */
@FunctionalInterface
public interface Mutator {
  void apply(Transaction tx, Map<String, Object> args);
}
