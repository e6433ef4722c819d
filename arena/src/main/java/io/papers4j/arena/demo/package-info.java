/**
 * The one-command Arena demo: two small local models trained on the KJV Bible and served as chat
 * backends.
 */
package io.papers4j.arena.demo;
