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
      case "quick" -> new RlReasoningPreset(500, 100, 64, 2, 3, 300, 2, 16, 2e-3, 3, 8, 150, 8, 8, 2e-5, 150, 32, 120);
      case "full" -> new RlReasoningPreset(1000, 300, 200, 2, 4, 600, 3, 16, 2e-3, 3, 16, 300, 16, 8, 2e-5, 300, 200, 160);
      default -> throw new IllegalArgumentException("preset must be smoke, quick or full, got " + name);
    };
  }
}
