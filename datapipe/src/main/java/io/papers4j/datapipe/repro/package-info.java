/** The Yi data-pipeline reproduction: its corpus, run and report. */
package io.papers4j.datapipe.repro;
