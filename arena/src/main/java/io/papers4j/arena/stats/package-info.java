/**
 * Arena statistics: Bradley-Terry, Elo, bootstrap and sandwich intervals, win matrices, active
 * sampling and anomaly tests.
 */
package io.papers4j.arena.stats;
