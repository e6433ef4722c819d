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
 * @param decayFrom SFT step where the learning rate starts to fall (with {@code decaySteps} > 0)
 * @param decaySteps SFT steps over which it falls linearly to {@link Sft.Fit#DECAY_FLOOR} of {@code lr}, where it stays (0 = constant)
 * @param eiRounds expert-iteration rounds
 * @param k samples per question in EI / RCRL rounds, PPO batches and the ORM's data
 * @param evalK samples per held-out question for maj@K / pass@K (the paper's pass@96 needs a large K)
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
    int decayFrom, int decaySteps, int eiRounds, int k, int evalK, int refitSteps, int ppoPrompts, int ppoSamples, double ppoLr, double ppoLambda, int ormSteps,
    int gsm8kProblems, int maxNewTokens, int sampleRows) {

  public RlReasoningPreset {
    if (evalEvery < 1 || sftMaxSteps < evalEvery || overtrainSteps < 0 || !(plateauTolerance >= 0))
      throw new IllegalArgumentException("bad SFT plateau settings: eval every " + evalEvery + ", max " + sftMaxSteps
          + ", over-train " + overtrainSteps + ", tolerance " + plateauTolerance);
    if (sampleRows < 1 || k < 1 || evalK < 1) throw new IllegalArgumentException("sample rows and K must be >= 1");
    if (decayFrom < 0 || decaySteps < 0) throw new IllegalArgumentException("bad learning-rate decay: from " + decayFrom + " over " + decaySteps);
    if (difficulty == null) throw new IllegalArgumentException("a preset needs a difficulty");
  }

  public static RlReasoningPreset of(String name) {
    return switch (name) {
      case "smoke" -> new RlReasoningPreset(16, 4, 4, new SyntheticProblems.Difficulty(1, 2, 20, 1, true), 4, 2, 2, 0.0, 2, 4, 1e-3, 2, 2, 1, 2, 3, 2, 2, 2, 1e-5, 1.0, 2, 2, 24, 8);
      // quick: medium problems (2-3 mixed steps, distractors), 96 held-out questions, 24 RL questions, SFT at batch 8
      // (0.150 s a step on 2 cores; docs/rl-reasoning.md). At a constant learning rate held-out maj@1 was still rising
      // at 2,100 steps; an SFT probe with the rate falling from step 1200 over 600 steps to a tenth reached maj@1 0.55
      // at step 1800 and stayed there (0.53 at 2400, training loss 0.028 -> 0.004), so this preset decays the same
      // way, logs greedy maj@1 every 100 steps from 1800 and starts RL at step 2000, saying whether the last two logs
      // (1900, 2000) gained at most 0.03 over step 1800 (a plateau) or not (the cap: the time holds no later start);
      // the over-trained arm runs 300 steps past it at the floor rate.
      // K = 8 for RL and scoring: K = 16 costs about 15 s more per scored model, which the time does not hold
      // beside the decay; in the probe pass@16 did not move in 600 steps at the floor either. Refits and the ORM keep
      // the sequences of the batch-16 preset (twice the steps). 130 sampled tokens hold every medium gold solution.
      case "quick" -> new RlReasoningPreset(500, 24, 96, SyntheticProblems.Difficulty.of("medium"), 2000, 100, 2000, 0.03, 300, 8,
          2e-3, 1200, 600, 2, 8, 8, 80, 8, 8, 2e-5, 1.0, 60, 16, SyntheticProblems.Difficulty.tokenBudget("medium"), 64);
      case "full" -> new RlReasoningPreset(1000, 300, 200, SyntheticProblems.Difficulty.of("hard"), 4000, 200, 800, 0.02, 2000, 16, 2e-3, 0, 0, 3, 16, 16, 300, 16, 8,
          2e-5, 1.0, 300, 200, 160, 64);
      default -> throw new IllegalArgumentException("preset must be smoke, quick or full, got " + name);
    };
  }
}
