package io.papers4j.core.nn.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model that a weight import needs: the graph's nodes (op type, inputs,
 * outputs) and its float32/int64 initializers. Field numbers follow {@code onnx.proto} (ModelProto
 * graph = 7; GraphProto node = 1, initializer = 5; NodeProto input = 1, output = 2, name = 3,
 * op_type = 4; TensorProto dims = 1, data_type = 2, float_data = 4, int64_data = 7, name = 8,
 * raw_data = 9).
 */
public final class OnnxGraph {
  /** One graph node. */
  public record Node(String name, String opType, List<String> inputs, List<String> outputs) {}

  /** One initializer; {@code floats} is set for FLOAT tensors, {@code longs} for INT64. */
  public record Initializer(String name, long[] dims, int dataType, float[] floats, long[] longs) {
    public long numel() {
      long n = 1;
      for (long d : dims) n *= d;
      return n;
    }
  }

  static final int FLOAT = 1;
  static final int INT64 = 7;

  private final List<Node> nodes;
  private final Map<String, Initializer> initializers;

  private OnnxGraph(List<Node> nodes, Map<String, Initializer> initializers) {
    this.nodes = nodes;
    this.initializers = initializers;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Map<String, Initializer> initializers() {
    return initializers;
  }

  /** Reads a whole ONNX file from a stream (weights are stored inline, as in the MiniLM jar). */
  public static OnnxGraph read(InputStream in, String what) throws IOException {
    byte[] all = in.readAllBytes();
    return parse(ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN), what);
  }

  static OnnxGraph parse(ByteBuffer bytes, String what) {
    ProtoReader model = new ProtoReader(bytes, what);
    ProtoReader graph = null;
    while (model.next()) {
      if (model.field() == 7 && model.wireType() == ProtoReader.LENGTH_DELIMITED) {
        graph = model.readMessage(what + " graph");
      } else {
        model.skip();
      }
    }
    if (graph == null) throw new IllegalArgumentException(what + " is not an ONNX model: no graph");
    List<Node> nodes = new ArrayList<>();
    Map<String, Initializer> inits = new LinkedHashMap<>();
    while (graph.next()) {
      if (graph.field() == 1 && graph.wireType() == ProtoReader.LENGTH_DELIMITED) {
        nodes.add(readNode(graph.readMessage(what + " node")));
      } else if (graph.field() == 5 && graph.wireType() == ProtoReader.LENGTH_DELIMITED) {
        Initializer t = readTensor(graph.readMessage(what + " initializer"), what);
        inits.put(t.name(), t);
      } else {
        graph.skip();
      }
    }
    return new OnnxGraph(List.copyOf(nodes), inits);
  }

  private static Node readNode(ProtoReader r) {
    List<String> in = new ArrayList<>();
    List<String> out = new ArrayList<>();
    String name = "";
    String op = "";
    while (r.next()) {
      switch (r.field()) {
        case 1 -> in.add(r.readString());
        case 2 -> out.add(r.readString());
        case 3 -> name = r.readString();
        case 4 -> op = r.readString();
        default -> r.skip();
      }
    }
    return new Node(name, op, List.copyOf(in), List.copyOf(out));
  }

  private static Initializer readTensor(ProtoReader r, String what) {
    List<Long> dims = new ArrayList<>();
    int type = 0;
    String name = "";
    ByteBuffer raw = null;
    List<Float> floatData = new ArrayList<>();
    List<Long> longData = new ArrayList<>();
    while (r.next()) {
      switch (r.field()) {
        case 1 -> readRepeatedVarint(r, dims);
        case 2 -> type = (int) r.readVarint();
        case 4 -> readRepeatedFloat(r, floatData);
        case 7 -> readRepeatedVarint(r, longData);
        case 8 -> name = r.readString();
        case 9 -> raw = r.readBytes();
        default -> r.skip();
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long n = 1;
    for (long d : shape) n *= d;
    if (n > Integer.MAX_VALUE) throw r.malformed("tensor " + name + " too large");
    float[] floats = null;
    long[] longs = null;
    if (type == FLOAT) {
      floats = new float[(int) n];
      if (raw != null) {
        if (raw.remaining() != n * 4) {
          throw r.malformed("tensor " + name + " holds " + raw.remaining() + " bytes, shape needs " + n * 4);
        }
        raw.asFloatBuffer().get(floats);
      } else if (floatData.size() == n) {
        for (int i = 0; i < n; i++) floats[i] = floatData.get(i);
      } else {
        throw r.malformed("tensor " + name + " has " + floatData.size() + " floats, shape needs " + n);
      }
    } else if (type == INT64) {
      longs = new long[(int) n];
      if (raw != null) {
        if (raw.remaining() != n * 8) throw r.malformed("tensor " + name + " int64 size mismatch");
        raw.asLongBuffer().get(longs);
      } else if (longData.size() == n) {
        for (int i = 0; i < n; i++) longs[i] = longData.get(i);
      } else {
        throw r.malformed("tensor " + name + " has " + longData.size() + " int64 values, shape needs " + n);
      }
    }
    return new Initializer(name, shape, type, floats, longs);
  }

  private static void readRepeatedVarint(ProtoReader r, List<Long> out) {
    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
      ProtoReader packed = new ProtoReader(r.readBytes(), "packed varints");
      while (packedHasMore(packed)) out.add(packed.readVarint());
    } else {
      out.add(r.readVarint());
    }
  }

  private static void readRepeatedFloat(ProtoReader r, List<Float> out) {
    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
      ByteBuffer b = r.readBytes();
      while (b.remaining() >= 4) out.add(b.getFloat());
    } else {
      r.skip();
    }
  }

  private static boolean packedHasMore(ProtoReader packed) {
    return packed.hasRemaining();
  }
}
