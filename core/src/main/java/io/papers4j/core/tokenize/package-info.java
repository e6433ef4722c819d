/**
 * Tokenizers: byte-level BPE (GPT-2 style), SentencePiece BPE, training, and HF tokenizer.json
 * reading.
 */
package io.papers4j.core.tokenize;
