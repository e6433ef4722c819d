package io.papers4j.core.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.io.Safetensors;
import io.papers4j.core.io.SafetensorsHeader;
import io.papers4j.core.io.TensorInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code papers4j safetensors FILE}: list a safetensors file's tensors without loading them. */
@Command(
    name = "safetensors",
    mixinStandardHelpOptions = true,
    description = "List the tensors (name, dtype, shape, bytes) and metadata of a .safetensors file; validates it.")
public final class SafetensorsCommand implements Callable<Integer>, CliCommand {
  @Parameters(paramLabel = "FILE", description = "The .safetensors file.")
  Path file;

  @Override
  public Integer call() {
    SafetensorsHeader h = Safetensors.readHeader(file);
    long params = 0;
    long bytes = 0;
    for (TensorInfo t : h.tensors().values()) {
      System.out.printf("%-60s %-5s %-20s %,d bytes%n", t.name(), t.dtype(), Arrays.toString(t.shape()), t.byteLength());
      params += t.numel();
      bytes += t.byteLength();
    }
    h.metadata().forEach((k, v) -> System.out.println("__metadata__ " + k + " = " + v));
    System.out.printf("%d tensors, %,d elements, %,d bytes%n", h.tensors().size(), params, bytes);
    return 0;
  }
}
