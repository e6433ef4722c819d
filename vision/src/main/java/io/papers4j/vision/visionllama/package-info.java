/**
 * VisionLLaMA (2403.00522): plain and pyramid models, the ViT baseline, training, checkpoints and
 * the reproduction.
 */
package io.papers4j.vision.visionllama;
