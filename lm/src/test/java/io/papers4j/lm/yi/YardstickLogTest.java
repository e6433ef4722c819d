package io.papers4j.lm.yi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.tensor.Engine;
import io.papers4j.core.train.TrainCheckpoint;
import io.papers4j.lm.train.CountingText;
import io.papers4j.lm.train.LmTrainOptions;
import io.papers4j.lm.train.LmTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** yardstick.jsonl keeps the history of a run across a stop and --resume, whole lines only. */
class YardstickLogTest {
  static final String CORPUS = "yardstick-log-test";
  static final int SEQ = 128;
  @TempDir static Path tmp;
  static Path tokenizerFile;

  @BeforeAll
  static void setUp() {
    Engine.init(1);
    tokenizerFile = CountingText.register(CORPUS, tmp);
  }

  /** A 2-layer model, 128 tokens x 2 (a pass-key document of this small BPE needs ~90), checkpoints every 2 steps, the yardstick (2 documents) after every step. */
  private static LmTrainOptions options(Path out, boolean resume) {
    return LmTrainOptions.builder("tiny", 6, out).optCorpus(CORPUS).optTokenizer(tokenizerFile).optBatch(2).optSeq(SEQ)
        .optShape(new LmTrainOptions.Shape(2, 64, 128)).optWarmup(1).optEvalBatches(0).optCheckpointEvery(2).optSeed(5)
        .optResume(resume).optProbe(CopyYardstick.probe(SEQ, 1, 2, 6, CopyYardstick.RepeatRows.WHOLE_VOCABULARY)).build();
  }

  private static List<Long> steps(Path log) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Long> steps = new ArrayList<>();
    for (String line : Files.readAllLines(log)) steps.add(json.readTree(line).get("step").asLong()); // every line whole
    return steps;
  }

  @Test
  void a_resumed_run_keeps_the_lines_up_to_its_checkpoint_and_adds_the_rest_once() throws Exception {
    Path out = tmp.resolve("run");
    LmTraining.train(options(out, false));
    Path log = out.resolve(YardstickLog.FILE);
    List<String> first = Files.readAllLines(log);
    assertThat(steps(log)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);

    // a stop after step 6 that the checkpoints hold only up to 4, the last line cut short as an append could leave it
    TrainCheckpoint.deleteTree(TrainCheckpoint.dirFor(out, 6));
    Files.writeString(log, "{\"step\":7,\"mention\":0.1", StandardOpenOption.APPEND);
    LmTraining.train(options(out, true));
    assertThat(steps(log)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(Files.readAllLines(log).subList(0, 4)).isEqualTo(first.subList(0, 4)); // the first part's history, as it was
    assertThat(Files.readString(log)).endsWith("}\n");

    // a fresh run in the same directory starts a fresh log
    LmTraining.train(options(out, false).toBuilder().optProbe(CopyYardstick.probe(SEQ, 3, 2, 6,
        CopyYardstick.RepeatRows.WHOLE_VOCABULARY)).build());
    assertThat(steps(log)).containsExactly(1L, 3L, 6L);
  }

  @Test
  void only_whole_lines_of_earlier_steps_are_kept() throws Exception {
    Path log = tmp.resolve("lines.jsonl");
    Files.writeString(log, "{\"step\":1,\"repeat\":0.0}\n\n{\"step\":100,\"repeat\":0.5}\n{\"step\":200,\"rep");
    assertThat(YardstickLog.linesBefore(log, 101)).containsExactly("{\"step\":1,\"repeat\":0.0}", "{\"step\":100,\"repeat\":0.5}");
    assertThat(YardstickLog.linesBefore(log, 1)).isEmpty();
    assertThat(YardstickLog.linesBefore(tmp.resolve("absent.jsonl"), 5)).isEmpty();
  }
}
