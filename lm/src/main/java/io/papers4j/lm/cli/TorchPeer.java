package io.papers4j.lm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.lm.generate.Generation;
import io.papers4j.lm.generate.Sampling;
import io.papers4j.lm.llama.LlamaModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the generation benchmarks share with their PyTorch eager peers ({@code bench/*_torch.py},
 * which load our safetensors through {@code bench/llama_torch.py}): running a peer and reading its
 * JSON lines, and the same-model check (greedy tokens from the prompt 0, 1, …, 15 on both sides).
 */
final class TorchPeer {
  private TorchPeer() {}

  /**
   * Runs {@code cmd} (OMP_WAIT_POLICY=passive) and returns the JSON objects it printed one per line;
   * a failed peer, or one that printed none, gives one message with its output.
   */
  static List<JsonNode> run(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OMP_WAIT_POLICY", "passive");
    Process proc = pb.start();
    StringBuilder all = new StringBuilder();
    List<JsonNode> lines = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        all.append(line).append('\n');
        if (line.startsWith("{")) lines.add(json.readTree(line));
      }
    }
    if (proc.waitFor() != 0 || lines.isEmpty()) {
      throw new IllegalStateException("the PyTorch peer failed (" + String.join(" ", cmd) + "):\n" + all);
    }
    return lines;
  }

  /** The ids of a JSON array. */
  static long[] longs(JsonNode array) {
    long[] t = new long[array.size()];
    for (int i = 0; i < t.length; i++) t[i] = array.get(i).asLong();
    return t;
  }

  /** Our greedy tokens from the prompt 0, 1, …, 15 (float32), to compare with the peer's {@code check_tokens}. */
  static long[] checkTokens(LlamaModel model) {
    long[] prompt = new long[16];
    for (int i = 0; i < 16; i++) prompt[i] = i % model.config().vocabSize();
    return Generation.generate(model, prompt, 8, Sampling.greedy(), null, true, null);
  }
}
