package io.papers4j.core.nn.vision;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The ViT MLP: fc2(GELU(fc1 x)), with biases. Shapes (…, C) → (…, C); fc1 (F, C), fc2 (C, F). */
public final class GeluMlp implements Parameterized {
  final Linear fc1;
  final Linear fc2;

  public GeluMlp(long dim, long hidden, Init init) {
    this.fc1 = new Linear(dim, hidden, true, init);
    this.fc2 = new Linear(hidden, dim, true, init);
  }

  public Tensor forward(Tensor x) {
    return fc2.forward(torch.gelu(fc1.forward(x)));
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("fc1", fc1).add("fc2", fc2).map();
  }
}
