package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A speaker adversary conditioned on the phone ({@link FacodecConfig#speakerAdversary} "phones"): it
 * reads a code group's mean over the frames of one phone in one utterance and names the speaker with
 * weights of that phone's own, logits = x·W[p] + b[p]. Why per phone: the speaker left in the codes sits
 * in how a phone is realised (docs/naturalspeech3.md, probe 13), and a head shared by all phones cannot
 * read a cue whose direction differs from phone to phone (vowels one way, consonants another).
 *
 * <p>Under the "confusion" objective its input is standardised per phone: each row minus its phone's
 * running mean (so the head sees how this utterance says the phone, not which phone it is), divided by
 * a running per-feature spread of those deviations pooled over phones. The statistics are plain floats,
 * constants to autograd; the running means start from a phone's first batch and follow with momentum
 * {@link Facodec#STATS_MOMENTUM}.
 */
final class PhoneSpeakerHead implements Parameterized {
  final Tensor weight; // (P, D, S)
  final Tensor bias; // (P, S)
  private final int phones, dim;
  private final float[][] phoneMean;
  private float[] spread; // per-feature variance of the deviations from the phone means; null until seen

  PhoneSpeakerHead(Init init, int phones, int dim, int speakers) {
    this.weight = Layers.fanIn(init, dim, phones, dim, speakers);
    this.bias = init.zeros(phones, speakers);
    this.phones = phones;
    this.dim = dim;
    this.phoneMean = new float[phones][];
  }

  /**
   * The rows a head reads: {@code x} (K, D), one per (utterance, phone) pair present, the mean of the
   * group's frames of that phone; {@code phone} (K) and {@code utt} (K) int64; {@code phoneIds} the
   * same phones as Java ints; {@code uttIds} and {@code frames} (how many frames each row averages) as Java
   * ints, for a mean over the utterance's speech frames built from the rows. Silence (phone 0) is left out.
   */
  record Rows(Tensor x, Tensor phone, Tensor utt, int[] phoneIds, int[] uttIds, int[] frames) {}

  /** Per-phone means of z (B, T, D) over the frames labelled by {@code phones} (B, T'); null when no frame is speech. */
  static Rows rows(Tensor z, Tensor phones, int phoneCount) {
    long t = Math.min(z.size(1), phones.size(1));
    Tensor zz = z.narrow(1, 0, t), ph = phones.narrow(1, 0, t).to(torch.ScalarType.Long);
    Tensor oneHot = torch.one_hot(ph, phoneCount).to(zz.scalar_type()); // (B, T, P)
    Tensor counts = oneHot.sum(new long[] {1}, false, new ScalarTypeOptional()); // (B, P)
    Tensor sums = oneHot.transpose(1, 2).bmm(zz); // (B, P, D)
    long b = zz.size(0), d = zz.size(2);
    float[] n = Batches.rows(counts.to(torch.ScalarType.Float).reshape(1, -1))[0];
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < n.length; i++) if (n[i] > 0 && i % phoneCount != 0) idx.add(i);
    if (idx.isEmpty()) return null;
    long[] flat = new long[idx.size()], phone = new long[idx.size()], utt = new long[idx.size()];
    int[] ids = new int[idx.size()], uttIds = new int[idx.size()], frames = new int[idx.size()];
    for (int k = 0; k < flat.length; k++) {
      flat[k] = idx.get(k);
      phone[k] = idx.get(k) % phoneCount;
      utt[k] = idx.get(k) / phoneCount;
      ids[k] = (int) phone[k];
      uttIds[k] = (int) utt[k];
      frames[k] = Math.round(n[idx.get(k)]);
    }
    Tensor sel = Batches.longs(flat, flat.length);
    Tensor x = sums.reshape(b * phoneCount, d).index_select(0, sel).div(counts.reshape(-1).index_select(0, sel).unsqueeze(1));
    return new Rows(x, Batches.longs(phone, phone.length), Batches.longs(utt, utt.length), ids, uttIds, frames);
  }

  /** Logits (K, S) of rows x (K, D) of the phones {@code phone} (K). */
  Tensor forward(Tensor x, Tensor phone) {
    Tensor w = weight.index_select(0, phone); // (K, D, S)
    return x.unsqueeze(1).bmm(w).squeeze(1).add(bias.index_select(0, phone));
  }

  /**
   * x (K, D) minus each row's phone mean, divided by the pooled spread of such deviations; with
   * {@code update} the statistics first take this batch in. A head that never trained passes x unchanged.
   */
  Tensor standardise(Tensor x, int[] phoneIds, boolean update) {
    float[][] rows = Batches.rows(x.detach().to(torch.ScalarType.Float));
    if (update) {
      float[][] sum = new float[phones][];
      int[] count = new int[phones];
      for (int k = 0; k < rows.length; k++) {
        int p = phoneIds[k];
        if (sum[p] == null) sum[p] = new float[dim];
        for (int j = 0; j < dim; j++) sum[p][j] += rows[k][j];
        count[p]++;
      }
      for (int p = 0; p < phones; p++) {
        if (count[p] == 0) continue;
        for (int j = 0; j < dim; j++) sum[p][j] /= count[p];
        if (phoneMean[p] == null) {
          phoneMean[p] = sum[p];
        } else {
          for (int j = 0; j < dim; j++) phoneMean[p][j] += (float) (Facodec.STATS_MOMENTUM * (sum[p][j] - phoneMean[p][j]));
        }
      }
      float[] var = new float[dim];
      for (int k = 0; k < rows.length; k++) {
        for (int j = 0; j < dim; j++) {
          float dv = rows[k][j] - phoneMean[phoneIds[k]][j];
          var[j] += dv * dv / rows.length;
        }
      }
      double total = 0;
      for (float v : var) total += v;
      if (spread == null) {
        if (total > 0) spread = var; // a first batch with every phone once has no spread yet
      } else {
        for (int j = 0; j < dim; j++) spread[j] += (float) (Facodec.STATS_MOMENTUM * (var[j] - spread[j]));
      }
    }
    if (spread == null) return x;
    float[] sd = new float[dim];
    for (int j = 0; j < dim; j++) sd[j] = (float) Math.sqrt(spread[j] + 1e-5);
    return centre(x, phoneIds).div(Batches.floats(sd, dim));
  }

  /**
   * x (K, D) minus each row's phone running mean (constants; a phone never seen in training: the row
   * itself, no deviation known). The statistics are those {@link #standardise} keeps; x unchanged before any.
   */
  Tensor centre(Tensor x, int[] phoneIds) {
    if (spread == null) return x;
    float[][] rows = Batches.rows(x.detach().to(torch.ScalarType.Float));
    float[] mu = new float[rows.length * dim];
    for (int k = 0; k < rows.length; k++) {
      float[] m = phoneMean[phoneIds[k]];
      System.arraycopy(m != null ? m : rows[k], 0, mu, k * dim, dim);
    }
    return x.sub(Batches.floats(mu, rows.length, dim));
  }

  /**
   * Each utterance's mean over its speech frames built from its rows (B, D): rows weighted by the frames
   * they average; an utterance of the batch without speech gives zeros.
   */
  static Tensor utteranceMean(Tensor rows, Rows r, int batch) {
    float[] w = new float[batch * r.frames().length];
    int[] total = new int[batch];
    for (int k = 0; k < r.frames().length; k++) total[r.uttIds()[k]] += r.frames()[k];
    for (int k = 0; k < r.frames().length; k++) w[r.uttIds()[k] * r.frames().length + k] = r.frames()[k] / (float) total[r.uttIds()[k]];
    return Batches.floats(w, batch, r.frames().length).to(rows.scalar_type()).mm(rows);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("weight", weight).add("bias", bias).map();
  }
}
