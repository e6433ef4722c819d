/** ShortGPT (2403.03853): Block Influence, layer removal orderings and the reproduction. */
package io.papers4j.lm.shortgpt;
