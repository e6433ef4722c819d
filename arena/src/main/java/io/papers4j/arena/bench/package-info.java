/**
 * Benchmark pieces of the Arena: vote ingestion under concurrent clients and the FastChat/sklearn
 * peer comparison of the ratings.
 */
package io.papers4j.arena.bench;
