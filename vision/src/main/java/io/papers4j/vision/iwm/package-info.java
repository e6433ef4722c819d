/**
 * IWM (Garrido et al., arXiv 2403.00504): a JEPA whose predictor is a world model conditioned on
 * photometric actions; torchvision-exact transforms, multi-block masks, EMA target, MRR, probes and
 * predictor fine-tuning, and the spec 2(e) reproduction.
 */
package io.papers4j.vision.iwm;
