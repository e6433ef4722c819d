package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.tensor.Engine;
import io.papers4j.core.tensor.Precision;
import io.papers4j.speech.data.SpeechCorpus;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Trains everything of one preset, in order: the espeak-ng corpus; FACodec (code dim 8), the same
 * FACodec with code dim = D (no bottleneck), the plain residual-VQ codec; the in-project speaker
 * classifier and phone recogniser; the factorised diffusion modules and the non-factorised
 * baseline on the codes of the two codecs.
 */
public final class Ns3Pipeline {
  public record Trained(
      SpeechCorpus corpus, Facodec facodec, Facodec wide, Facodec plain, CodecTraining.Run facodecRun,
      CodecTraining.Run wideRun, CodecTraining.Run plainRun, MelClassifier speakerClassifier, MelClassifier phoneRecognizer,
      FactorisedTts tts, Map<String, List<Double>> ttsCurves, List<FactorisedTts.CodedUtt> facodecTest,
      List<FactorisedTts.CodedUtt> plainTest) {}

  private Ns3Pipeline() {}

  public static Trained train(Ns3Preset p, long seed) {
    return train(p, seed, Precision.F32);
  }

  /**
   * As above with the codecs and the factorised diffusion model trained in {@code precision}; the
   * speaker and phone proxies that score them always train in float32, so scores stay comparable.
   */
  public static Trained train(Ns3Preset p, long seed, Precision precision) {
    return train(p, seed, precision, UnaryOperator.identity());
  }

  /** As above with the FACodec configuration changed by {@code codecConfig} (e.g. its quantiser input). */
  public static Trained train(Ns3Preset p, long seed, Precision precision, UnaryOperator<FacodecConfig> codecConfig) {
    Engine.init();
    System.err.println("naturalspeech3: synthesising the espeak-ng corpus ...");
    SpeechCorpus corpus = SpeechCorpus.generate(p.corpus());
    int phones = corpus.phoneSet.size(), speakers = corpus.config.trainSpeakers();
    FacodecConfig cfg = codecConfig.apply(FacodecConfig.small(phones, speakers));
    CodecTraining.Run fa = CodecTraining.train(cfg, corpus.train, p.codec(), seed, "facodec", precision);
    CodecTraining.Run wide = CodecTraining.train(cfg.withCodeDim(cfg.dim()), corpus.train, p.codec(), seed, "facodec-dim" + cfg.dim(), precision);
    CodecTraining.Run plain = CodecTraining.train(cfg.withFactorised(false), corpus.train, p.codec(), seed, "rvq-codec", precision);
    MelClassifier spk = MelClassifier.train(corpus.train, true, speakers, p.proxySteps(), seed + 10, "speaker-proxy");
    MelClassifier rec = MelClassifier.train(corpus.train, false, phones, p.proxySteps(), seed + 11, "phone-proxy");
    List<FactorisedTts.CodedUtt> faTrain = FactorisedTts.encodeAll(fa.model(), corpus.train);
    List<FactorisedTts.CodedUtt> plTrain = FactorisedTts.encodeAll(plain.model(), corpus.train);
    Engine.seed(seed + 20);
    FactorisedTts tts = new FactorisedTts(phones, cfg.codebookSize(), p.ttsDim(), p.ttsLayers(), seed + 20);
    Map<String, List<Double>> curves = tts.trainAll(faTrain, plTrain, p.ttsSteps(), 8, seed + 21, precision);
    return new Trained(corpus, fa.model(), wide.model(), plain.model(), fa, wide, plain, spk, rec, tts, curves,
        FactorisedTts.encodeAll(fa.model(), corpus.testSentences), FactorisedTts.encodeAll(plain.model(), corpus.testSentences));
  }
}
