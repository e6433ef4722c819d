package io.papers4j.lm.reasoning;

/**
 * Sizes of the rl-reasoning study.
 *
 * <p>SFT follows the plateau protocol: held-out maj@1 is logged every {@code evalEvery} steps; the
 * plateau is the first logged step (at least {@code minPlateauSteps}) where the best maj@1 of the
 * last two logs does not exceed the best before them by more than {@code plateauTolerance}
 * ({@link RlReasoningStudy#levelledOff}), or {@code sftMaxSteps} when none is found. Every RL arm starts from the model at the plateau; the over-trained SFT arm
 * continues the same SFT run for {@code overtrainSteps} more steps.
 *
 * @param goldProblems synthetic problems with gold solutions for SFT
 * @param rlProblems training questions for EI / PPO / RCRL (answers only are used)
 * @param testProblems held-out questions (hash-disjoint from both training sets)
 * @param difficulty how hard the synthetic problems are (steps, numbers, distractors, mixed operations)
 * @param sftMaxSteps most SFT steps searched for the plateau
 * @param evalEvery SFT steps between held-out evaluations
 * @param minPlateauSteps earliest step that can be the plateau
 * @param plateauTolerance maj@1 gain (fraction of problems) below which the curve counts as flat
 * @param overtrainSteps SFT steps past the plateau for the over-trained arm
 * @param batch SFT / refit batch size (sequences)
 * @param lr SFT / refit learning rate
 * @param eiRounds expert-iteration rounds
 * @param k samples per question in EI / RCRL rounds and for maj@K / pass@K
 * @param refitSteps fine-tuning steps per EI / RCRL refit
 * @param ppoPrompts PPO prompts per batch (each sampled {@code ppoSamples} times)
 * @param ppoSamples PPO samples per prompt
 * @param ppoLr PPO learning rate
 * @param ppoLambda GAE lambda of PPO
 * @param ormSteps ORM training steps
 * @param gsm8kProblems GSM8K test problems scored (greedy maj@1) for each model
 * @param maxNewTokens sampled-token budget per solution
 * @param sampleRows sampled rows per batch (K rows of several questions share one batch)
 */
public record RlReasoningPreset(int goldProblems, int rlProblems, int testProblems, SyntheticProblems.Difficulty difficulty,
    int sftMaxSteps, int evalEvery, int minPlateauSteps, double plateauTolerance, int overtrainSteps, int batch, double lr,
    int eiRounds, int k, int refitSteps, int ppoPrompts, int ppoSamples, double ppoLr, double ppoLambda, int ormSteps,
    int gsm8kProblems, int maxNewTokens, int sampleRows) {

  public RlReasoningPreset {
    if (evalEvery < 1 || sftMaxSteps < evalEvery || overtrainSteps < 0 || !(plateauTolerance >= 0))
      throw new IllegalArgumentException("bad SFT plateau settings: eval every " + evalEvery + ", max " + sftMaxSteps
          + ", over-train " + overtrainSteps + ", tolerance " + plateauTolerance);
    if (sampleRows < 1 || k < 1) throw new IllegalArgumentException("sample rows and K must be >= 1");
    if (difficulty == null) throw new IllegalArgumentException("a preset needs a difficulty");
  }

  public static RlReasoningPreset of(String name) {
    return switch (name) {
      case "smoke" -> new RlReasoningPreset(16, 4, 4, new SyntheticProblems.Difficulty(1, 2, 20, 1, true), 4, 2, 2, 0.0, 2, 4, 1e-3, 1, 2, 2, 2, 2, 1e-5, 1.0, 2, 2, 24, 8);
      // quick: medium problems (2-3 mixed steps, distractors), 96 held-out questions, 24 RL questions, SFT at batch 8.
      // Sized from probes on 2 cores with nothing else running (docs/rl-reasoning.md): an SFT step takes 0.150 s at
      // batch 8 and 0.296 s at batch 16 (53 and 54 sequences/s), so batch 8 gives twice the updates per second; at
      // batch 16 held-out maj@1 still rose from 0.29 to 0.43 between steps 900 and 1200, so a plateau within the
      // issue's 15 minutes needs more updates than batch 16 affords. The SFT curve is greedy maj@1 every 300 steps
      // from 900; RL starts at the first step >= 1500 where the last two logs gained at most 0.03 over the best before
      // them (cap 1800); over-trained SFT runs 600 steps past it. Refits and the ORM keep the sequences of the batch-16 preset (twice the steps).
      // 130 sampled tokens hold every medium gold solution (the longest needs 121).
      case "quick" -> new RlReasoningPreset(500, 24, 96, SyntheticProblems.Difficulty.of("medium"), 1800, 300, 1500, 0.03, 600, 8,
          2e-3, 2, 8, 80, 8, 8, 2e-5, 1.0, 60, 16, SyntheticProblems.Difficulty.tokenBudget("medium"), 64);
      case "full" -> new RlReasoningPreset(1000, 300, 200, SyntheticProblems.Difficulty.of("hard"), 4000, 200, 800, 0.02, 2000, 16, 2e-3, 3, 16, 300, 16, 8,
          2e-5, 1.0, 300, 200, 160, 64);
      default -> throw new IllegalArgumentException("preset must be smoke, quick or full, got " + name);
    };
  }
}
