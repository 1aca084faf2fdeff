/**
 * Implementation of the SQLite persister: the database layout constants and the JSON text codec
 * for JSON cells. Not a public API: types here may change in any release.
 */
package io.syncline.persist.sqlite.internal;
