/** The multimodal module's commands: {@code papers4j infimm train|ask|serve} and {@code papers4j clip train|score}. */
package io.papers4j.multimodal.cli;
