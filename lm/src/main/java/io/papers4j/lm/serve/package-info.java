/** An OpenAI-compatible chat server for a trained language model. */
package io.papers4j.lm.serve;
