/**
 * Filtering stages: language identification, Gopher heuristics, perplexity and quality classifiers.
 */
package io.papers4j.datapipe.filter;
