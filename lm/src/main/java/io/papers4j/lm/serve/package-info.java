/** An OpenAI-compatible chat server for a trained language model, and a client for any such server. */
package io.papers4j.lm.serve;
