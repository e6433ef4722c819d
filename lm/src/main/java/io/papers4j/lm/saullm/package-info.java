/**
 * SaulLM-7B (arXiv 2403.03883): a legal corpus built from real licence and copyright text, continued
 * pretraining with generic replay, legal instruction tuning with a loss on answers only, and a
 * LegalBench-Instruct-style benchmark scored by balanced accuracy.
 */
package io.papers4j.lm.saullm;
