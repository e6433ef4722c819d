/** The {@code papers4j datapipe} commands and the datapipe benchmark. */
package io.papers4j.datapipe.cli;
