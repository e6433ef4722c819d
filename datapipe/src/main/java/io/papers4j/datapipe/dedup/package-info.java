/** Deduplication stages: exact, MinHash-LSH near-duplicate and sub-document. */
package io.papers4j.datapipe.dedup;
