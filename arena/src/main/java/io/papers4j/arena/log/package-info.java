/** Battle logs: reading and writing FastChat-style JSON lines, cleaning and language guessing. */
package io.papers4j.arena.log;
