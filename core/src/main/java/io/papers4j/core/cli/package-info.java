/**
 * The plug-in interfaces of the {@code papers4j} command (CliCommand, Benchmark) and core's own
 * commands (tokenizer, safetensors).
 */
package io.papers4j.core.cli;
