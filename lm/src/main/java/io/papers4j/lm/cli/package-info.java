/**
 * The language-model commands ({@code papers4j lm}, {@code shortgpt}, {@code yi}) and benchmarks:
 * the only place that wires a paper's options into shared code.
 */
package io.papers4j.lm.cli;
