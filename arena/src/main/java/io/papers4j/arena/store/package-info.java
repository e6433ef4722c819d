/** Vote storage for the Arena on SQLite or PostgreSQL. */
package io.papers4j.arena.store;
