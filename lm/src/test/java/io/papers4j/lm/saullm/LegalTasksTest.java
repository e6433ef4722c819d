package io.papers4j.lm.saullm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LegalTasksTest {
  @TempDir Path tmp;

  static LegalCorpus.Doc licence(String id, boolean osi, String text) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("spdx", id);
    meta.put("name", id);
    meta.put("osiApproved", osi);
    meta.put("copyleft", LicenceFacts.copyleft(id));
    return new LegalCorpus.Doc("licence", "spdx:" + id, "test", text, meta, false);
  }

  static final String DEP5 = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
      + "Upstream-Name: foo\n\nFiles: *\nCopyright: 2004-2010, Jane Roe <jane@example.org>\n  2012 John Doe\n"
      + "License: GPL-2+\n\nFiles: debian/*\nCopyright: 1999 Someone Else\nLicense: MIT\n";

  static LegalCorpus.Doc copyright(String pkg, String text) {
    Map<String, Object> meta = LegalCorpus.Dep5.facts(text);
    meta.put("package", pkg);
    return new LegalCorpus.Doc("copyright", "debian-copyright:" + pkg, "test", text, meta, false);
  }

  static Map<String, String> answers(List<LegalTasks.Example> xs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (LegalTasks.Example e : xs) m.put(e.task(), e.answer());
    return m;
  }

  @Test
  void licence_facts_follow_the_family_rules() {
    assertThat(answers(LegalTasks.build(List.of(licence("GPL-3.0-only", true, "GNU GENERAL PUBLIC LICENSE Version 3")))))
        .containsEntry("licence_osi", "Yes").containsEntry("licence_copyleft", "Yes")
        .containsEntry("licence_source_disclosure", "Yes").containsEntry("licence_same_licence", "Yes")
        .containsEntry("licence_attribution", "Yes");
    // weak copyleft: source of the library, but a larger work may use another licence
    assertThat(answers(LegalTasks.build(List.of(licence("LGPL-2.1-only", true, "GNU LESSER GENERAL PUBLIC LICENSE")))))
        .containsEntry("licence_copyleft", "Yes").containsEntry("licence_same_licence", "No");
    assertThat(answers(LegalTasks.build(List.of(licence("MIT", true, "Permission is hereby granted, free of charge")))))
        .containsEntry("licence_copyleft", "No").containsEntry("licence_source_disclosure", "No")
        .containsEntry("licence_attribution", "Yes");
    assertThat(answers(LegalTasks.build(List.of(licence("CC0-1.0", false, "Creative Commons Legal Code CC0 1.0")))))
        .containsEntry("licence_osi", "No").containsEntry("licence_attribution", "No");
  }

  @Test
  void every_prompt_ends_with_an_explicit_output_format() {
    List<LegalTasks.Example> xs = new ArrayList<>(LegalTasks.build(List.of(licence("MIT", true, "Permission is granted"))));
    xs.addAll(LegalTasks.build(List.of(copyright("foo", DEP5))));
    assertThat(xs).hasSize(8);
    for (LegalTasks.Example e : xs) assertThat(e.instruction()).containsPattern("Answer by only outputting [^\\n]+\\.$");
  }

  @Test
  void copyright_tasks_read_the_files_star_paragraph() {
    List<LegalTasks.Example> xs = LegalTasks.build(List.of(copyright("foo", DEP5)));
    assertThat(answers(xs)).containsEntry("copyright_licence", "GPL-2+").containsEntry("copyright_holder", "Jane Roe")
        .containsEntry("copyright_year", "2004");
    // the excerpt is the Files: * paragraph only, never the debian/* one
    for (LegalTasks.Example e : xs) assertThat(e.instruction()).contains("Jane Roe").doesNotContain("Someone Else");
  }

  @Test
  void an_extraction_whose_answer_is_not_in_the_excerpt_is_dropped() {
    StringBuilder holders = new StringBuilder();
    for (int i = 0; i < 40; i++) holders.append("  20").append(10 + i % 10).append(" Contributor Number ").append(i).append('\n');
    String text = "Format: x\n\nFiles: *\nCopyright: 2001 First Holder\n" + holders + "License: Apache-2.0\n";
    Map<String, String> a = answers(LegalTasks.build(List.of(copyright("long", text))));
    assertThat(a).containsEntry("copyright_holder", "First Holder").containsEntry("copyright_year", "2001");
    assertThat(a).doesNotContainKey("copyright_licence"); // the License line is past the excerpt
  }

  @Test
  void instruction_data_comes_from_training_documents_only_and_the_benchmark_from_held_out_ones() {
    SplittableRandom r = new SplittableRandom(5);
    List<LegalCorpus.Doc> raw = new ArrayList<>();
    String[] ids = {"MIT", "GPL-2.0-only", "Apache-2.0", "MPL-2.0", "BSD-3-Clause", "CC0-1.0"};
    for (int i = 0; i < 80; i++) {
      StringBuilder t = new StringBuilder("Licence number ").append(i).append('.');
      for (int w = 0; w < 60; w++) t.append(' ').append(Long.toString(r.nextLong(1L << 40), 36));
      raw.add(licence(ids[i % ids.length] + "-v" + i, i % 3 == 0, t.toString()));
    }
    LegalCorpus.Built b = LegalCorpus.dedupAndSplit(raw);
    assertThat(b.heldOut()).isNotEmpty();
    List<String> general = new ArrayList<>();
    for (int i = 0; i < 200; i++) general.add("And it came to pass in the day number " + i + " that they went forth.");
    GeneralCorpus.Texts g = GeneralCorpus.split(general, "test");
    LegalCorpus.write(b, g, tmp);

    Set<String> heldIds = new HashSet<>();
    for (LegalCorpus.Doc d : b.heldOut()) heldIds.add(d.id());
    InstructTuning.Mix mix = InstructTuning.mix(tmp, 1.0, 3);
    assertThat(mix.legal()).isEqualTo(5 * b.train().size());
    assertThat(mix.generic()).isEqualTo(mix.legal() > 0 ? Math.min(mix.legal(), g.train().size()) : 0);
    List<LegalTasks.Example> all = new ArrayList<>(mix.train());
    all.addAll(mix.validation());
    for (LegalTasks.Example e : all) assertThat(heldIds).doesNotContain(e.docId());
    List<LegalTasks.Example> bench = LegalBench.heldOut(tmp, 0);
    assertThat(bench).hasSize(5 * b.heldOut().size());
    for (LegalTasks.Example e : bench) assertThat(heldIds).contains(e.docId());
  }
}
