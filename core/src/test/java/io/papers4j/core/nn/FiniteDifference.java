package io.papers4j.core.nn;

import java.util.function.DoubleSupplier;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** The central difference (f(p + eps) − f(p − eps)) / 2eps at one entry of a tensor, which is restored after. */
public final class FiniteDifference {
  private FiniteDifference() {}

  public static double at(Tensor p, long idx, double eps, DoubleSupplier f) {
    double plus, minus;
    try (NoGradGuard g = new NoGradGuard()) {
      Tensor cell = p.view(-1).narrow(0, idx, 1);
      cell.add_(new Scalar(eps));
      plus = f.getAsDouble();
      cell.sub_(new Scalar(2 * eps));
      minus = f.getAsDouble();
      cell.add_(new Scalar(eps));
    }
    return (plus - minus) / (2 * eps);
  }
}
