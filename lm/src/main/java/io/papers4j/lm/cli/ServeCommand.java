package io.papers4j.lm.cli;

import io.papers4j.core.cli.PrecisionOption;
import io.javalin.Javalin;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tokenize.BpeTokenizer;
import io.papers4j.lm.generate.ContinuousBatching;
import io.papers4j.lm.llama.LlamaCheckpoint;
import io.papers4j.lm.llama.LlamaModel;
import io.papers4j.lm.serve.ChatTemplate;
import io.papers4j.lm.serve.LmServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code papers4j lm serve --model DIR --port P}: an OpenAI-compatible chat endpoint. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves a checkpoint (DIR with tokenizer.json) as an OpenAI-compatible API: GET /v1/models, GET /health,",
      "POST /v1/completions (echo, logprobs), POST /v1/chat/completions (streaming and not), POST /tokenize,",
      "POST /detokenize. Requests are decoded together (continuous batching). List http://HOST:PORT/v1 in an",
      "arena config, or use http://HOST:PORT/v1/completions with lm-evaluation-harness's local-completions."
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

  @Option(names = "--max-batch", description = {"Sequences decoded together in one batched step (default: as many,",
      "up to 32, as fit a 1 GiB KV cache; 1 = one request at a time)."})
  Integer maxBatch;

  @Option(names = "--max-seq", description = "Prompt + generated tokens per sequence (default: min(model context, 2048)).")
  Integer maxSeq;

  @Option(names = "--queue", defaultValue = "256", description = "Sequences that may wait for a slot; more get HTTP 429 (default ${DEFAULT-VALUE}).")
  int queue;

  @Option(names = "--prefill-chunk", defaultValue = "64", description = "Prompt tokens pre-filled per step, so long prompts do not stall others (default ${DEFAULT-VALUE}).")
  int prefillChunk;

  @Mixin PrecisionOption precision;

  @Override
  public Integer call() throws Exception {
    Engine.init();
    BpeTokenizer tok = ModelDir.tokenizer(model);
    LlamaModel m = LlamaCheckpoint.load(model);
    String id = name != null ? name : model.toAbsolutePath().normalize().getFileName().toString();
    ContinuousBatching.Options d = LmServer.defaults(m);
    int seq = maxSeq != null ? maxSeq : d.maxSeq();
    if (seq > m.config().maxPositionEmbeddings()) {
      throw new IllegalArgumentException("--max-seq " + seq + " exceeds the model's context of " + m.config().maxPositionEmbeddings());
    }
    ContinuousBatching.Options o = new ContinuousBatching.Options(maxBatch != null ? maxBatch : d.maxBatch(), seq, queue, prefillChunk);
    Javalin app = new LmServer(id, m, tok, ChatTemplate.Style.parse(chatTemplate), o).precision(precision.get()).create();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.stop();
      stop.countDown();
    }));
    app.start(host, port);
    System.err.printf("lm serve: %s on http://%s:%d/v1 (batch %d, %d tokens per sequence, queue %d)%n", id, host, app.port(),
        o.maxBatch(), o.maxSeq(), o.queueLimit());
    stop.await();
    return 0;
  }
}
