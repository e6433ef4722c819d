/**
 * MovieLLM (arXiv 2403.01422, later "DreamFrame"): synthetic movies for long-video understanding.
 * A three-level plot (overview → chapters → scenes → frames, with dialogues and QA of three types)
 * from a seeded grammar ({@link PlotGrammar}) or any OpenAI-compatible endpoint ({@link LlmPlots}),
 * validated against one schema ({@link Plot}); keyframes from a MiniLM-conditioned DiT on rectified
 * flow ({@link KeyframeDit}) trained on procedural renders ({@link KeyframeRenderer}), with style
 * immobilisation by textual inversion of one keyword row ({@link StyleInversion}); movie folders
 * ({@link MovieMaker}); a LLaMA-VID-style video QA model with two tokens per frame ({@link VideoQa})
 * graded by exact match and token F1 ({@link QaGrader}); the measures of claims (i) and (ii) in
 * {@link Consistency}; the reproduction in {@link MovieReproduction}.
 */
package io.papers4j.multimodal.movie;
