package io.papers4j.design2code;

/**
 * Colour similarity of Design2Code: sRGB (0–255) → CIE L*a*b* (D65, 2° observer) as python-colormath
 * 3.0 converts it, then the CIEDE2000 difference ΔE₀₀ with k_L = k_C = k_H = 1, and
 * similarity = max(0, 1 − ΔE₀₀ / 100).
 */
public final class ColorDifference {
  private ColorDifference() {}

  // colormath's sRGB -> XYZ matrix (rows give X, Y, Z).
  private static final double[][] RGB_TO_XYZ = {
    {0.412424, 0.357579, 0.180464},
    {0.212656, 0.715158, 0.0721856},
    {0.0193324, 0.119193, 0.950444}
  };
  // D65 white, 2° observer, as in colormath's illuminant table.
  private static final double XN = 0.95047, YN = 1.0, ZN = 1.08883;
  private static final double CIE_E = 216.0 / 24389.0;

  /** max(0, 1 − ΔE₀₀(rgb1, rgb2) / 100) for RGB triples in 0–255 (fractions allowed). */
  public static double similarity(double[] rgb1, double[] rgb2) {
    return Math.max(0, 1 - ciede2000(srgbToLab(rgb1), srgbToLab(rgb2)) / 100.0);
  }

  /** sRGB 0–255 → Lab (D65): inverse companding, linear matrix, CIE f(t) with colormath's 7.787. */
  public static double[] srgbToLab(double[] rgb) {
    double[] lin = new double[3];
    for (int c = 0; c < 3; c++) {
      double v = rgb[c] / 255.0;
      lin[c] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
    double[] xyz = new double[3];
    for (int r = 0; r < 3; r++)
      xyz[r] = RGB_TO_XYZ[r][0] * lin[0] + RGB_TO_XYZ[r][1] * lin[1] + RGB_TO_XYZ[r][2] * lin[2];
    double fx = f(xyz[0] / XN), fy = f(xyz[1] / YN), fz = f(xyz[2] / ZN);
    return new double[] {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
  }

  private static double f(double t) {
    return t > CIE_E ? Math.cbrt(t) : 7.787 * t + 16.0 / 116.0;
  }

  /**
   * CIEDE2000 (Sharma, Wu & Dalal 2005):
   * ΔE = sqrt((ΔL'/S_L)² + (ΔC'/S_C)² + (ΔH'/S_H)² + R_T (ΔC'/S_C)(ΔH'/S_H)), with
   * a' = (1+G)a, G = ½(1 − sqrt(C̄⁷/(C̄⁷+25⁷))), S_L = 1 + 0.015(L̄'−50)²/sqrt(20+(L̄'−50)²),
   * S_C = 1 + 0.045 C̄', S_H = 1 + 0.015 C̄' T, R_T = −sin(2Δθ) R_C.
   */
  public static double ciede2000(double[] lab1, double[] lab2) {
    double l1 = lab1[0], a1 = lab1[1], b1 = lab1[2];
    double l2 = lab2[0], a2 = lab2[1], b2 = lab2[2];
    double c1 = Math.hypot(a1, b1), c2 = Math.hypot(a2, b2);
    double cBar = (c1 + c2) / 2;
    double cBar7 = Math.pow(cBar, 7);
    double g = 0.5 * (1 - Math.sqrt(cBar7 / (cBar7 + Math.pow(25, 7))));
    double a1p = (1 + g) * a1, a2p = (1 + g) * a2;
    double c1p = Math.hypot(a1p, b1), c2p = Math.hypot(a2p, b2);
    double h1p = hueDeg(a1p, b1), h2p = hueDeg(a2p, b2);

    double dLp = l2 - l1;
    double dCp = c2p - c1p;
    double dhp;
    if (c1p * c2p == 0) dhp = 0;
    else if (Math.abs(h2p - h1p) <= 180) dhp = h2p - h1p;
    else if (h2p - h1p > 180) dhp = h2p - h1p - 360;
    else dhp = h2p - h1p + 360;
    double dHp = 2 * Math.sqrt(c1p * c2p) * Math.sin(Math.toRadians(dhp / 2));

    double lBarP = (l1 + l2) / 2;
    double cBarP = (c1p + c2p) / 2;
    double hBarP;
    if (c1p * c2p == 0) hBarP = h1p + h2p;
    else if (Math.abs(h1p - h2p) <= 180) hBarP = (h1p + h2p) / 2;
    else if (h1p + h2p < 360) hBarP = (h1p + h2p + 360) / 2;
    else hBarP = (h1p + h2p - 360) / 2;

    double t =
        1
            - 0.17 * Math.cos(Math.toRadians(hBarP - 30))
            + 0.24 * Math.cos(Math.toRadians(2 * hBarP))
            + 0.32 * Math.cos(Math.toRadians(3 * hBarP + 6))
            - 0.20 * Math.cos(Math.toRadians(4 * hBarP - 63));
    double dTheta = 30 * Math.exp(-Math.pow((hBarP - 275) / 25, 2));
    double cBarP7 = Math.pow(cBarP, 7);
    double rc = 2 * Math.sqrt(cBarP7 / (cBarP7 + Math.pow(25, 7)));
    double lm = (lBarP - 50) * (lBarP - 50);
    double sl = 1 + 0.015 * lm / Math.sqrt(20 + lm);
    double sc = 1 + 0.045 * cBarP;
    double sh = 1 + 0.015 * cBarP * t;
    double rt = -Math.sin(Math.toRadians(2 * dTheta)) * rc;
    double tl = dLp / sl, tc = dCp / sc, th = dHp / sh;
    return Math.sqrt(tl * tl + tc * tc + th * th + rt * tc * th);
  }

  private static double hueDeg(double a, double b) {
    if (a == 0 && b == 0) return 0;
    double h = Math.toDegrees(Math.atan2(b, a));
    return h < 0 ? h + 360 : h;
  }
}
