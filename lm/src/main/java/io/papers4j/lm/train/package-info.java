/**
 * Training glue for language models: corpora as tokens, training runs, evaluation, the unigram
 * baseline and the lm reproduction.
 */
package io.papers4j.lm.train;
