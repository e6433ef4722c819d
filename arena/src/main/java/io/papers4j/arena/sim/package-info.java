/** Simulated voters and models for the Arena (the paper's Bradley-Terry simulation model). */
package io.papers4j.arena.sim;
