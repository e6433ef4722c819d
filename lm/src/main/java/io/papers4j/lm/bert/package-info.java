/**
 * A BERT encoder (all-MiniLM-L6-v2) loaded from its ONNX graph, used by ShortGPT's real-weights
 * study.
 */
package io.papers4j.lm.bert;
