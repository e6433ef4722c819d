/**
 * Reproduction reports: the result.json contract and its builder, the timed reproduction base,
 * machine facts and PNG charts.
 */
package io.papers4j.core.report;
