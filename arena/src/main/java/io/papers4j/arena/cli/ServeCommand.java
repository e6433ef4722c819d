package io.papers4j.arena.cli;

import io.javalin.Javalin;
import io.papers4j.arena.demo.Demo;
import io.papers4j.arena.demo.LocalModels;
import io.papers4j.arena.store.ArenaStore;
import io.papers4j.arena.web.Arena;
import io.papers4j.arena.web.ArenaApp;
import io.papers4j.arena.web.ArenaConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j arena serve}: the voting platform. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the arena web server: anonymous battle at /, side-by-side at /named, leaderboard at",
      "/leaderboard. Models are OpenAI-compatible chat endpoints listed in the JSON config (for",
      "local checkpoints run `papers4j lm serve` and list its /v1 URL). Without --config: the demo,",
      "two small LMs that papers4j trains on the KJV Bible on first start (a few minutes, kept in",
      "$PAPERS4J_HOME/arena/models) and serves in this process."
    })
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", description = "arena config (JSON); omit for the demo with two local models")
  Path config;

  @Option(names = "--demo-steps", description = "demo only: training steps of each local model (default: 240 for the tiny, 40 for the small model)")
  Long demoSteps;

  @Option(names = "--demo-max-tokens", defaultValue = "96", description = "demo only: reply length limit in tokens (default: ${DEFAULT-VALUE})")
  int demoMaxTokens;

  @Option(names = "--db", description = "JDBC URL: jdbc:sqlite:FILE or jdbc:postgresql://… (default: jdbc:sqlite:$PAPERS4J_HOME/arena/arena.db; the demo: …/arena/demo.db)")
  String db;

  @Option(names = "--db-user", description = "database user (PostgreSQL)")
  String dbUser;

  @Option(names = "--db-password-env", defaultValue = "ARENA_DB_PASSWORD",
      description = "environment variable holding the database password (default: ${DEFAULT-VALUE})")
  String dbPasswordEnv;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "bind address (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "port (default: ${DEFAULT-VALUE})")
  int port;

  @Override
  public Integer call() throws Exception {
    String home = System.getenv().getOrDefault("PAPERS4J_HOME", System.getProperty("user.home") + "/.cache/papers4j");
    LocalModels local = null;
    ArenaConfig cfg;
    if (config != null) {
      cfg = ArenaConfig.read(config);
    } else {
      local = Demo.localModels(Path.of(home), demoSteps);
      cfg = Demo.config(local, demoMaxTokens);
    }
    String url = db;
    if (url == null) {
      Path file = Path.of(home, "arena", config == null ? "demo.db" : "arena.db");
      java.nio.file.Files.createDirectories(file.getParent());
      url = "jdbc:sqlite:" + file;
    }
    ArenaStore store = ArenaStore.open(url, dbUser, System.getenv(dbPasswordEnv));
    Javalin app = ArenaApp.create(Arena.withOpenAi(cfg, store));
    CountDownLatch stop = new CountDownLatch(1);
    LocalModels models = local;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.stop();
      if (models != null) models.close();
      try {
        store.close();
      } catch (Exception ignored) {
        // closing at exit; nothing left to save (every vote was committed when acknowledged)
      }
      stop.countDown();
    }));
    app.start(host, port);
    System.err.printf("arena: serving %d models on http://%s:%d/ (store %s)%n", cfg.models().size(), host, app.port(), store.url());
    stop.await();
    return 0;
  }
}
