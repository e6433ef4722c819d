/**
 * Evaluation of the cascade: planted duplicates, real corpora and dedup precision/recall against
 * exact Jaccard.
 */
package io.papers4j.datapipe.eval;
