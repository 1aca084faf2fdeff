/**
 * Contract test suites that every adapter module extends in its own tests, so all persisters
 * (and later all server storages) are held to one definition of correct. Depends on JUnit 5 and
 * AssertJ at compile scope; add this module with {@code <scope>test</scope>}.
 */
package io.syncline.testkit;
