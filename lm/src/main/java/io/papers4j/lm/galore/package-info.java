/**
 * GaLore (2403.03507): gradient low-rank projection optimizers, their memory formula, experiment
 * and reproduction.
 */
package io.papers4j.lm.galore;
