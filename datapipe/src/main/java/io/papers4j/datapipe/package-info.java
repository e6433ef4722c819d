/**
 * The Yi-style data cascade on Apache Spark: ingest, the pipeline configuration that assembles the
 * stages, the run and its per-stage reports.
 */
package io.papers4j.datapipe;
