package io.papers4j.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineTest {
  private static final String AVX512 = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw avx512_bf16\n\n"
      + "processor\t: 1\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw avx512_bf16\n";
  private static final String AVX2 = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse2 avx avx2 fma avx_vnni\n";

  @Test
  void namesTheModelAndTheWidestVectorKernelsTheCpuOffers() {
    assertEquals("AMD EPYC, AVX-512", Machine.cpu(AVX512, Map.of()));
    assertEquals("AMD EPYC 7B13, AVX2", Machine.cpu(AVX2, Map.of()));
    assertEquals("Some CPU, no AVX2", Machine.cpu("model name : Some CPU\nflags : fpu sse2 avx\n", Map.of()));
  }

  @Test
  void namesTheVariablesThatOverrideTheKernelChoice() {
    assertEquals("AMD EPYC, AVX-512, ATEN_CPU_CAPABILITY=avx2, OPENBLAS_CORETYPE=Zen",
        Machine.cpu(AVX512, Map.of("OPENBLAS_CORETYPE", "Zen", "ATEN_CPU_CAPABILITY", "avx2", "OTHER", "x")));
    assertEquals("AMD EPYC, AVX-512", Machine.cpu(AVX512, Map.of("OPENBLAS_CORETYPE", " ")));
  }

  @Test
  void anUnreadableCpuinfoSaysSo() {
    assertEquals("unknown CPU", Machine.cpu("", Map.of()));
    assertFalse(Machine.cpu().isBlank());
  }
}
