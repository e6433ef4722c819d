/** The multimodal module's commands: {@code papers4j infimm train|ask|serve}, {@code papers4j clip train|score}, {@code papers4j mlmfilter pool|train|score|filter} and the mlmfilter benchmark. */
package io.papers4j.multimodal.cli;
