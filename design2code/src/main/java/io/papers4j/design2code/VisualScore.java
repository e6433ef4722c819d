package io.papers4j.design2code;

import java.awt.image.BufferedImage;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_photo;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The official visual score ({@code calculate_clip_similarity_with_blocks}) with a pluggable
 * encoder: (i) every detected text box is masked and filled by Telea inpainting (OpenCV, radius
 * 3), so the score sees layout and imagery rather than text; (ii) the screenshot is squashed to a
 * square whose side is its shorter side (Pillow LANCZOS; aspect ratio not kept); (iii) CLIP's
 * preprocessing: bicubic resize to 224, centre crop, scale to [0, 1], normalise by CLIP's mean and
 * std; then cosine similarity of the two embeddings.
 */
public final class VisualScore {
  static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  private final ImageEncoder encoder;

  public VisualScore(ImageEncoder encoder) {
    this.encoder = encoder;
  }

  public String encoderName() {
    return encoder.name();
  }

  // A reference page is compared with many candidates: its embedding (inpainting is the costly
  // step) is kept per screenshot object and block list.
  private final java.util.Map<BufferedImage, java.util.Map<List<Block>, float[]>> cache = new java.util.WeakHashMap<>();

  public double similarity(BufferedImage a, List<Block> blocksA, BufferedImage b, List<Block> blocksB) {
    float[] ea = embed(a, blocksA);
    float[] eb = embed(b, blocksB);
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < ea.length; i++) {
      dot += (double) ea[i] * eb[i];
      na += (double) ea[i] * ea[i];
      nb += (double) eb[i] * eb[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  private synchronized float[] embed(BufferedImage img, List<Block> blocks) {
    java.util.Map<List<Block>, float[]> perImage = cache.computeIfAbsent(img, k -> new java.util.HashMap<>());
    List<Block> key = List.copyOf(blocks);
    float[] e = perImage.get(key);
    if (e == null) {
      e = encoder.embed(preprocess(rescaleAndMask(img, blocks)));
      perImage.put(key, e);
    }
    return e;
  }

  /** Official {@code rescale_and_mask}: inpaint the text boxes (if any), then squash to a square. */
  static BufferedImage rescaleAndMask(BufferedImage img, List<Block> blocks) {
    if (!blocks.isEmpty()) img = inpaint(img, blocks);
    int side = Math.min(img.getWidth(), img.getHeight());
    return PilResize.resize(img, side, side, PilResize.Filter.LANCZOS);
  }

  /** cv2.inpaint(image, mask, 3, INPAINT_TELEA) with mask = the union of the text boxes. */
  static BufferedImage inpaint(BufferedImage img, List<Block> blocks) {
    int w = img.getWidth(), h = img.getHeight();
    byte[] bgr = new byte[w * h * 3];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int p = (y * w + x) * 3;
        bgr[p] = (byte) (row[x] & 255);
        bgr[p + 1] = (byte) (row[x] >> 8 & 255);
        bgr[p + 2] = (byte) (row[x] >> 16 & 255);
      }
    }
    byte[] mask = new byte[w * h];
    for (Block b : blocks) {
      // int(ratio * size) truncation and numpy's clamped slicing, as the official code
      int x = (int) (b.x() * w), y = (int) (b.y() * h), bw = (int) (b.w() * w), bh = (int) (b.h() * h);
      for (int yy = Math.max(0, y); yy < Math.min(h, y + bh); yy++)
        for (int xx = Math.max(0, x); xx < Math.min(w, x + bw); xx++) mask[yy * w + xx] = (byte) 255;
    }
    try (Mat src = new Mat(h, w, opencv_core.CV_8UC3);
        Mat m = new Mat(h, w, opencv_core.CV_8UC1);
        Mat dst = new Mat()) {
      ((BytePointer) src.data()).put(bgr);
      ((BytePointer) m.data()).put(mask);
      opencv_photo.inpaint(src, m, dst, 3, opencv_photo.INPAINT_TELEA);
      ((BytePointer) dst.data()).get(bgr);
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = (y * w + x) * 3;
        row[x] = (bgr[p + 2] & 255) << 16 | (bgr[p + 1] & 255) << 8 | (bgr[p] & 255);
      }
      out.setRGB(0, y, w, 1, row, 0, w);
    }
    return out;
  }

  /** CLIP's preprocessing: bicubic resize (shorter side 224), centre crop 224, normalise; (3, 224, 224). */
  static float[] preprocess(BufferedImage img) {
    int w = img.getWidth(), h = img.getHeight();
    int nw, nh;
    if (w <= h) {
      nw = 224;
      nh = (int) (224L * h / w);
    } else {
      nh = 224;
      nw = (int) (224L * w / h);
    }
    BufferedImage r = PilResize.resize(img, nw, nh, PilResize.Filter.BICUBIC);
    int x0 = (int) Math.round((nw - 224) / 2.0), y0 = (int) Math.round((nh - 224) / 2.0);
    float[] out = new float[3 * 224 * 224];
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 224; x++) {
        int p = r.getRGB(x0 + x, y0 + y);
        int[] c = {p >> 16 & 255, p >> 8 & 255, p & 255};
        for (int k = 0; k < 3; k++) out[k * 224 * 224 + y * 224 + x] = (c[k] / 255f - MEAN[k]) / STD[k];
      }
    }
    return out;
  }
}
