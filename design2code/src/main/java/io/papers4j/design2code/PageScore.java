package io.papers4j.design2code;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The five Design2Code scores of one page, each in [0, 1], and the official combined value
 * final = 0.2·(block + text + position + color + visual).
 *
 * @param block Block-Match: matched area share
 * @param text mean text similarity of matched blocks
 * @param position mean 1 − max(|Δc_x|, |Δc_y|) of matched block centres
 * @param color mean max(0, 1 − ΔE₀₀/100) of matched block text colours
 * @param visual cosine similarity of the two inpainted, square-resized screenshots under the image
 *     encoder named by {@code encoder} (CLIP ViT-B/32 in the paper)
 * @param encoder name of the image encoder behind {@code visual}
 * @param matchedPairs number of matched block pairs
 * @param predictedBlocks number of detected predicted blocks (after bbox merge)
 * @param referenceBlocks number of detected reference blocks (after bbox merge)
 */
public record PageScore(
    double block,
    double text,
    double position,
    double color,
    double visual,
    String encoder,
    int matchedPairs,
    int predictedBlocks,
    int referenceBlocks) {

  public double finalScore() {
    return 0.2 * (block + text + position + color + visual);
  }

  /** JSON-ready map with stable key order. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("block", block);
    m.put("text", text);
    m.put("position", position);
    m.put("color", color);
    m.put("visual", visual);
    m.put("visual_encoder", encoder);
    m.put("final", finalScore());
    m.put("matched_pairs", matchedPairs);
    m.put("predicted_blocks", predictedBlocks);
    m.put("reference_blocks", referenceBlocks);
    return m;
  }
}
