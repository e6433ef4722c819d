/**
 * The Yi-style data cascade on Apache Spark: documents, stages, pipeline configuration and
 * per-stage reports.
 */
package io.papers4j.datapipe;
