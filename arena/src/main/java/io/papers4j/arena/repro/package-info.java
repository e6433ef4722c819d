/**
 * The Chatbot Arena reproduction: simulated coverage, sampling, anomaly and order experiments
 * (paper §7, App. A).
 */
package io.papers4j.arena.repro;
