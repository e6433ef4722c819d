package io.papers4j.multimodal.movie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class VideoQaTest {
  static final VideoQaConfig TINY = new VideoQaConfig(16, 8, 16, 2, 2, 32, 2, 2, 4, 8, 4);

  @Test
  void two_tokens_per_frame_context_follows_the_question_content_does_not() {
    Engine.init(2);
    Engine.seed(0);
    QaVocab vocab = new QaVocab();
    VideoQa m = new VideoQa(TINY, vocab.size(), 0);
    Tensor frames = torch.randn(2, 4, 3, 16, 16);
    Tensor valid = Tensor.create(new float[] {1, 1, 1, 0, 1, 1, 0, 0}).view(2, 4);
    Tensor q1 = Tensor.create(vocab.encode("who is at the forest")).view(1, -1).expand(2, -1).contiguous();
    Tensor q2 = Tensor.create(vocab.encode("where does the story end")).view(1, -1).expand(2, -1).contiguous();
    Tensor a = m.frameTokens(frames, valid, q1), b = m.frameTokens(frames, valid, q2);
    assertThat(a.shape()).containsExactly(2, 8, 32); // (B, 2n, C)
    Tensor ctxA = a.view(2, 4, 2, 32).select(2, 0), ctxB = b.view(2, 4, 2, 32).select(2, 0);
    Tensor cntA = a.view(2, 4, 2, 32).select(2, 1), cntB = b.view(2, 4, 2, 32).select(2, 1);
    assertThat(torch.equal(cntA, cntB)).isTrue();
    assertThat(ctxA.narrow(1, 0, 3).sub(ctxB.narrow(1, 0, 3)).abs().max().item_double()).isGreaterThan(1e-6);
    // padded frames are the learned empty pair, whatever the pixels
    assertThat(a.view(2, 4, 2, 32).select(0, 1).select(0, 3).sub(m.emptyFrame.view(2, 32)).abs().max().item_double()).isLessThan(1e-6);
    // the content token is the projection of the mean of the frame features
    Tensor feats = m.vision.forward(frames.reshape(8, 3, 16, 16));
    Tensor mean = feats.mean(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
    Tensor expect = m.contentProj.forward(mean.select(0, 0));
    assertThat(cntA.select(0, 0).select(0, 0).sub(expect).abs().max().item_double()).isLessThan(1e-5);
    // the text logits cover question, <sep> and answer
    VideoQaTraining.Batch bt = VideoQaTraining.batch(m, vocab, List.of(
        new VideoQaTraining.Example(torch.zeros(3, 3, 16, 16), new Plot.Qa("plot", "who is at the cave?", "a man in red"))));
    assertThat(m.textLogits(bt.frames(), bt.valid(), bt.question(), bt.ids()).shape()).containsExactly(1, 8 + 1 + 4, vocab.size());
    assertThat(bt.targets().ne(new Scalar(-100)).sum().item_long()).isEqualTo(4); // 3 answer words (cut to A-1) + <eos>
  }

  @Test
  void training_on_two_toy_videos_answers_from_their_frames() {
    // Two videos (two forest frames, two cave frames) with the same question: only the frames tell
    // the answers apart. At 200 steps both were answered "forest"; at 800 "forest" and "cave" (measured).
    Engine.init(2);
    QaVocab vocab = new QaVocab();
    VideoQa m = new VideoQa(TINY, vocab.size(), 1);
    Plot.Frame f1 = new Plot.Frame("x", "forest", List.of("A"), List.of("a man in red"), "walking", "calm");
    Plot.Frame f2 = new Plot.Frame("x", "cave", List.of("A"), List.of("a man in red"), "walking", "calm");
    StoryWorld.Style st = StoryWorld.style("dream");
    List<VideoQaTraining.Example> data = new java.util.ArrayList<>();
    data.addAll(VideoQaTraining.examples(List.of(KeyframeRenderer.render(f1, st, 16, 0), KeyframeRenderer.render(f1, st, 16, 1)),
        List.of(new Plot.Qa("temporal", "where does the story end?", "forest"))));
    data.addAll(VideoQaTraining.examples(List.of(KeyframeRenderer.render(f2, st, 16, 2), KeyframeRenderer.render(f2, st, 16, 3)),
        List.of(new Plot.Qa("temporal", "where does the story end?", "cave"))));
    double[] losses = VideoQaTraining.train(m, vocab, data, 800, 2, 3e-3, 0, null);
    assertThat(losses[799]).isLessThan(losses[0] / 4);
    List<String[]> graded = VideoQaTraining.grade(m, vocab, data);
    assertThat(graded).extracting(g -> g[1]).containsExactly("forest", "cave");
    Map<String, double[]> byType = QaGrader.byType(graded);
    assertThat(byType.get("temporal")[0]).isEqualTo(1.0);
    assertThat(byType.get("temporal")[2]).isEqualTo(2.0);
  }

  @Test
  void grader_cases() {
    assertThat(QaGrader.exactMatch("A man in Red.", "a man in red")).isEqualTo(1.0);
    assertThat(QaGrader.exactMatch("a man in blue", "a man in red")).isEqualTo(0.0);
    assertThat(QaGrader.f1("a man in blue", "a man in red")).isCloseTo(0.75, within(1e-12)); // 3 of 4 tokens
    assertThat(QaGrader.f1("red", "a man in red")).isCloseTo(2 * 1.0 * 0.25 / 1.25, within(1e-12));
    assertThat(QaGrader.f1("", "")).isEqualTo(1.0);
    assertThat(QaGrader.f1("cave", "")).isEqualTo(0.0);
    assertThat(QaGrader.f1("the the", "the")).isCloseTo(2 * 0.5 * 1.0 / 1.5, within(1e-12)); // repeated tokens count once each
    QaVocab v = new QaVocab();
    assertThat(v.decode(v.encode("a woman in purple"))).isEqualTo("a woman in purple");
    assertThat(v.encode("a dragon")[1]).isEqualTo(QaVocab.UNK);
  }

  /**
   * bf16 autocast: the first loss comes from the same weights and batch as in float32, so only
   * bfloat16 rounding (8 significant bits) separates them; the weights stay float32.
   */
  @Test
  void bf16TrainingTracksFloat32() {
    Engine.init(2);
    QaVocab vocab = new QaVocab();
    Plot.Frame f = new Plot.Frame("x", "forest", List.of("A"), List.of("a man in red"), "walking", "calm");
    StoryWorld.Style st = StoryWorld.style("dream");
    List<VideoQaTraining.Example> data = VideoQaTraining.examples(List.of(KeyframeRenderer.render(f, st, 16, 0), KeyframeRenderer.render(f, st, 16, 1)),
        List.of(new Plot.Qa("temporal", "where does the story end?", "forest")));
    VideoQa a = new VideoQa(TINY, vocab.size(), 1), b = new VideoQa(TINY, vocab.size(), 1);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double[] f32 = VideoQaTraining.train(a, vocab, data, 2, 2, 3e-3, 0, null, Precision.F32);
    org.bytedeco.pytorch.global.torch.manual_seed(21); // the same noise draws in both runs
    double[] bf16 = VideoQaTraining.train(b, vocab, data, 2, 2, 3e-3, 0, null, Precision.BF16);
    for (double x : bf16) assertThat(Double.isFinite(x)).isTrue();
    assertThat(bf16[0]).isNotEqualTo(f32[0]).isCloseTo(f32[0], withinPercentage(3));
    b.namedParameters().forEach((k, v) -> assertThat(v.scalar_type().intern()).as(k).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Float));
  }
}
