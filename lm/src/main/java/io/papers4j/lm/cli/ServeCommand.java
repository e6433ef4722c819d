package io.papers4j.lm.cli;

import io.javalin.Javalin;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.serve.ChatTemplate;
import io.papers4j.lm.serve.LmServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j lm serve --model DIR --port P}: an OpenAI-compatible chat endpoint. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves a checkpoint (DIR with tokenizer.json) as an OpenAI-compatible API: GET /v1/models,",
      "POST /v1/chat/completions (streaming and not). List http://HOST:PORT/v1 in an arena config."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "Checkpoint directory with tokenizer.json.")
  Path model;

  @Option(names = "--name", description = "Model id to serve under (default: the directory name).")
  String name;

  @Option(names = "--chat-template", defaultValue = "plain", description = {
      "plain (User:/Assistant: lines, for base models) or inst ([INST] ... [/INST], for models tuned with",
      "papers4j saullm instruct; a reply ends at its first newline) (default ${DEFAULT-VALUE})."})
  String chatTemplate;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8000", description = "Port (default ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws Exception {
    Engine.init();
    BpeTokenizer tok = ModelDir.tokenizer(model);
    LlamaModel m = LlamaCheckpoint.load(model);
    String id = name != null ? name : model.toAbsolutePath().normalize().getFileName().toString();
    Javalin app = new LmServer(id, m, tok, ChatTemplate.Style.parse(chatTemplate)).create();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.stop();
      stop.countDown();
    }));
    app.start(host, port);
    System.err.printf("lm serve: %s on http://%s:%d/v1%n", id, host, app.port());
    stop.await();
    return 0;
  }
}
