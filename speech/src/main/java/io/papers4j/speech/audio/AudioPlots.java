package io.papers4j.speech.audio;

import io.papers4j.core.io.AtomicFiles;
import io.papers4j.core.report.Heatmap;
import io.papers4j.core.report.Plot;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Report figures for audio: waveform, log-mel spectrograms (stacked panels) and F0 tracks. */
public final class AudioPlots {
  private AudioPlots() {}

  /** Waveform against time in seconds. */
  public static void waveform(Path file, String title, Wav.Audio a) throws IOException {
    int step = Math.max(1, a.samples().length / 4000);
    int n = a.samples().length / step;
    double[] t = new double[n], y = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i * step / (double) a.sampleRate();
      y[i] = a.samples()[i * step];
    }
    Plot.line(title).xLabel("time (s)").yLabel("amplitude").series("waveform", t, y).write(file);
  }

  /** F0 tracks (Hz, 0 = unvoiced drawn as gaps at 0) against frame time. */
  public static void f0(Path file, String title, double frameRate, List<String> names, List<double[]> tracks)
      throws IOException {
    var chart = Plot.line(title).xLabel("time (s)").yLabel("F0 (Hz)");
    for (int k = 0; k < names.size(); k++) {
      double[] f = tracks.get(k);
      double[] t = new double[f.length];
      for (int i = 0; i < f.length; i++) t[i] = i / frameRate;
      chart.series(names.get(k), t, f);
    }
    chart.write(file);
  }

  /**
   * Log-mel spectrograms as stacked panels (time → right, frequency ↑), one colour scale (viridis)
   * over all panels so they compare.
   */
  public static void mels(Path file, List<String> titles, List<float[][]> mels) throws IOException {
    int px = 3, bandPx = 2, head = 22, pad = 8;
    int maxT = 0, bands = mels.get(0)[0].length;
    float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
    for (float[][] m : mels) {
      maxT = Math.max(maxT, m.length);
      for (float[] r : m) for (float v : r) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    lo = Math.max(lo, hi - 12); // 12 nepers of dynamic range
    int w = maxT * px + 2 * pad, panel = bands * bandPx + head;
    BufferedImage img = new BufferedImage(w, mels.size() * panel + pad, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    for (int p = 0; p < mels.size(); p++) {
      float[][] m = mels.get(p);
      int y0 = p * panel;
      g.setColor(Color.BLACK);
      g.drawString(titles.get(p), pad, y0 + 16);
      for (int t = 0; t < m.length; t++) {
        for (int b = 0; b < bands; b++) {
          g.setColor(Heatmap.Colormap.VIRIDIS.at((m[t][b] - lo) / (hi - lo)));
          g.fillRect(pad + t * px, y0 + head + (bands - 1 - b) * bandPx, px, bandPx);
        }
      }
    }
    g.dispose();
    AtomicFiles.writePng(file, img);
  }
}
