/**
 * MovieLLM (arXiv 2403.01422, later "DreamFrame"): synthetic movies for long-video understanding.
 * A three-level plot (overview → chapters → scenes → frames, with dialogues and QA of three types)
 * from a seeded grammar ({@link PlotGrammar}) or any OpenAI-compatible endpoint ({@link LlmPlots}),
 * validated against one schema ({@link Plot}); the consistency measures of claims (i) and (ii) in
 * {@link Consistency}.
 */
package io.papers4j.multimodal.movie;
