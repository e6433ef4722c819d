/**
 * The generative family package shared by the vision papers that make images (flow, pixart, tryon,
 * video): evaluation in the feature space of a classifier trained here (Fréchet distance, KID,
 * conditional and attribute accuracy), captioned procedural shapes and named emoji as data, PNG
 * sample grids, and a KL-regularised latent autoencoder. It imports core only, never a paper package.
 */
package io.papers4j.vision.gen;
