/**
 * Generative-model toolkit shared by the diffusion and flow papers (SD3, PixArt-Σ, OOTDiffusion,
 * AtomoVideo, MovieLLM): the process interface of the generic diffusion trainer ({@link
 * DiffusionProcess}: model input, training target, conversions to x₀ / ε / velocity) implemented by
 * rectified flow ({@link RectifiedFlow}) and the variance-preserving DDPM process with the LDM
 * scaled-linear or cosine schedule, ε-, v- or x₀-prediction and optional zero terminal SNR ({@link
 * VariancePreserving}); training-time samplers ({@link TimeSampler}), the resolution shift and
 * inference sigma schedules ({@link FlowSchedule}), the Euler ODE sampler ({@link EulerSampler}),
 * DDIM with diffusers' timestep spacings ({@link DdimSampler}), classifier-free guidance ({@link
 * Guidance}) with condition dropout ({@link ConditionDropout}) and EMA weights ({@link Ema}). No
 * paper package is imported here.
 */
package io.papers4j.core.diffusion;
