/**
 * Generative-model toolkit shared by the diffusion and flow papers (SD3, PixArt-Σ, OOTDiffusion,
 * AtomoVideo, MovieLLM): forward processes and their regression targets ({@link RectifiedFlow}),
 * training-time samplers ({@link TimeSampler}), the resolution shift and inference sigma schedules
 * ({@link FlowSchedule}), the Euler ODE sampler ({@link EulerSampler}), classifier-free guidance
 * ({@link Guidance}) and EMA weights ({@link Ema}). No paper package is imported here.
 */
package io.papers4j.core.diffusion;
