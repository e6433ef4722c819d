/**
 * The training loop every paper uses: batches and data, progress bar, evaluation, loss log,
 * checkpoints and exact resume.
 */
package io.papers4j.core.train;
