/**
 * An OpenAI-compatible server for a trained language model (completions with echo and log-probs,
 * chat completions, tokenize/detokenize, continuous batching), and a client for any such server.
 */
package io.papers4j.lm.serve;
