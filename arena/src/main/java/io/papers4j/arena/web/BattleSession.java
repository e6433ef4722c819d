package io.papers4j.arena.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One battle's conversation state: two models, two message lists (the same user text on both
 * sides), the state of each side's current reply, and whether the battle was voted on.
 */
final class BattleSession {
  enum Side { IDLE, STREAMING, DONE, ERROR }

  final String id;
  final boolean anony;
  final String[] models;
  final String judge;
  final String ip;
  final List<List<ChatBackend.Message>> conv = List.of(new ArrayList<>(), new ArrayList<>());
  final Side[] side = {Side.IDLE, Side.IDLE};
  int turns;
  int regenerations;
  boolean voted;
  long lastUsed = System.currentTimeMillis();

  BattleSession(String id, boolean anony, String modelA, String modelB, String judge, String ip) {
    this.id = id;
    this.anony = anony;
    this.models = new String[] {modelA, modelB};
    this.judge = judge;
    this.ip = ip;
  }

  /** Both replies to the last user message are complete. */
  synchronized boolean bothDone() {
    return turns > 0 && side[0] == Side.DONE && side[1] == Side.DONE;
  }

  /** FastChat's vote-log line {tstamp, type, models, states, ip} (+ judge). */
  synchronized ObjectNode voteLog(ObjectMapper json, String type, double tstamp) {
    ObjectNode o = json.createObjectNode();
    o.put("tstamp", tstamp);
    o.put("type", type);
    ArrayNode ms = o.putArray("models");
    ms.add(anony ? "" : models[0]);
    ms.add(anony ? "" : models[1]);
    ArrayNode states = o.putArray("states");
    for (int s = 0; s < 2; s++) {
      ObjectNode st = states.addObject();
      st.put("conv_id", id + (s == 0 ? "-a" : "-b"));
      st.put("model_name", models[s]);
      st.put("offset", 0);
      ArrayNode roles = st.putArray("roles");
      roles.add("user");
      roles.add("assistant");
      ArrayNode msgs = st.putArray("messages");
      for (ChatBackend.Message m : conv.get(s)) {
        ArrayNode pair = msgs.addArray();
        pair.add(m.role());
        pair.add(m.content());
      }
    }
    o.put("ip", ip);
    o.put("judge", judge);
    return o;
  }
}
