package io.papers4j.arena.demo;

import io.javalin.Javalin;
import io.papers4j.arena.web.ArenaConfig;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.serve.LmServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Local checkpoints served in this process by {@code lm serve}'s {@link LmServer}, each on its own
 * loopback port, so the arena reaches them through the same OpenAI-compatible client as remote
 * models (streaming, the {@code User:/Assistant:} template, the cut at the next {@code User:}).
 */
public final class LocalModels implements AutoCloseable {
  private final List<Javalin> servers = new ArrayList<>();
  private final List<ArenaConfig.ModelEndpoint> endpoints = new ArrayList<>();

  private LocalModels() {}

  /** Loads each model directory (named after the directory) and starts its server. */
  public static LocalModels start(List<Path> dirs) {
    Engine.init();
    LocalModels lm = new LocalModels();
    try {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        BpeTokenizer tok = BpeTokenizer.load(dir.resolve("tokenizer.json"));
        LlamaModel model = LlamaCheckpoint.load(dir);
        Javalin app = new LmServer(name, model, tok).create().start("127.0.0.1", 0);
        lm.servers.add(app);
        lm.endpoints.add(new ArenaConfig.ModelEndpoint(name, "http://127.0.0.1:" + app.port() + "/v1", null, name, 1));
        System.err.printf("arena demo: %s (%,d parameters) on http://127.0.0.1:%d/v1%n", name, model.config().parameterCount(), app.port());
      }
    } catch (RuntimeException e) {
      lm.close();
      throw e;
    }
    return lm;
  }

  public List<ArenaConfig.ModelEndpoint> endpoints() {
    return List.copyOf(endpoints);
  }

  @Override
  public void close() {
    for (Javalin s : servers) s.stop();
  }
}
