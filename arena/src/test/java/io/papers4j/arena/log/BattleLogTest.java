package io.papers4j.arena.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.Winner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BattleLogTest {
  @TempDir Path dir;

  @Test
  void reads_a_json_list_and_json_lines_alike() throws Exception {
    Path list = dir.resolve("list.json");
    Files.writeString(list, "[{\"model_a\":\"x\",\"model_b\":\"y\",\"winner\":\"tie (bothbad)\",\"judge\":\"arena_user_1\","
        + "\"anony\":false,\"tstamp\":1700000000.5,\"language\":\"English\",\"turn\":1}]");
    Battle b = BattleLog.read(list).get(0);
    assertThat(b.winner()).isEqualTo(Winner.TIE_BOTHBAD);
    assertThat(b.anony()).isFalse();
    assertThat(b.judge()).isEqualTo("arena_user_1");
    Path jl = dir.resolve("b.jsonl");
    BattleLog.writeJsonl(List.of(b, Battle.of("y", "x", Winner.MODEL_A)), jl);
    List<Battle> back = BattleLog.read(jl);
    assertThat(back).hasSize(2);
    assertThat(back.get(0)).isEqualTo(b);
    assertThat(back.get(1).anony()).isTrue();
  }

  @Test
  void bad_records_name_the_file_line_and_field() throws Exception {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(f, "{\"model_a\":\"x\",\"model_b\":\"y\",\"winner\":\"model_a\"}\n{\"model_a\":\"x\",\"winner\":\"model_a\"}\n");
    assertThatThrownBy(() -> BattleLog.read(f)).hasMessageContaining("bad.jsonl:2").hasMessageContaining("model_b");
    Files.writeString(f, "{\"model_a\":\"x\",\"model_b\":\"y\",\"winner\":\"left\"}\n");
    assertThatThrownBy(() -> BattleLog.read(f)).hasMessageContaining("bad.jsonl:1").hasMessageContaining("left");
    Files.writeString(f, "{\"model_a\":\"x\",\n");
    assertThatThrownBy(() -> BattleLog.read(f)).hasMessageContaining("not valid JSON");
  }
}
