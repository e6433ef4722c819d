package io.papers4j.lm.reasoning;

/**
 * Sizes of the rl-reasoning study.
 *
 * @param goldProblems synthetic problems with gold solutions for SFT
 * @param rlProblems training questions for EI / PPO / RCRL (answers only are used)
 * @param testProblems held-out questions (hash-disjoint from both training sets)
 * @param minSteps fewest arithmetic steps per problem
 * @param maxSteps most arithmetic steps per problem
 * @param sftSteps SFT steps for the SFT checkpoint every RL run starts from
 * @param overtrainChunks extra SFT chunks of {@code sftSteps} each, evaluated after each
 * @param batch SFT / refit batch size (sequences)
 * @param lr SFT / refit learning rate
 * @param eiRounds expert-iteration rounds
 * @param k samples per question in EI / RCRL rounds and for maj@K / pass@K
 * @param refitSteps fine-tuning steps per EI / RCRL refit
 * @param ppoPrompts PPO prompts per batch (each sampled {@code ppoSamples} times)
 * @param ppoSamples PPO samples per prompt
 * @param ppoLr PPO learning rate
 * @param ormSteps ORM training steps
 * @param gsm8kProblems GSM8K test problems scored (greedy maj@1) for each model
 * @param maxNewTokens sampled-token budget per solution
 */
public record RlReasoningPreset(int goldProblems, int rlProblems, int testProblems, int minSteps, int maxSteps,
    int sftSteps, int overtrainChunks, int batch, double lr, int eiRounds, int k, int refitSteps, int ppoPrompts,
    int ppoSamples, double ppoLr, int ormSteps, int gsm8kProblems, int maxNewTokens) {

  public static RlReasoningPreset of(String name) {
    return switch (name) {
      case "smoke" -> new RlReasoningPreset(16, 4, 4, 1, 2, 4, 1, 4, 1e-3, 1, 2, 2, 2, 2, 1e-5, 2, 2, 24);
      // quick: sized from per-phase rates measured on 2 shared cores (load average about 5): an SFT step at
      // batch 16 0.56-0.78 s, K = 8 samples of one question about 0.27 s, one PPO iteration (8 x 8 samples,
      // 4 epochs) 16 s, so an estimated 14-15 minutes in all. 150 sampled tokens fit a 3-step solution (about 125
      // characters; calculator results are forced and not counted). SFT runs 400 steps (then 400 more for the
      // over-training arm): with 200, continuing SFT raised maj@1 0.04 -> 0.38 and pass@8 0.15 -> 0.58, so every RL
      // arm started from an under-trained model and the over-training trade-off could not appear.
      case "quick" -> new RlReasoningPreset(500, 48, 48, 2, 3, 400, 1, 16, 2e-3, 2, 8, 80, 8, 8, 2e-5, 60, 16, 150);
      case "full" -> new RlReasoningPreset(1000, 300, 200, 2, 4, 600, 3, 16, 2e-3, 3, 16, 300, 16, 8, 2e-5, 300, 200, 160);
      default -> throw new IllegalArgumentException("preset must be smoke, quick or full, got " + name);
    };
  }
}
