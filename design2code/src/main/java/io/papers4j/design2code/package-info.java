/**
 * Design2Code: the benchmark set, the official metrics on pages rendered in headless Chromium,
 * generation and the reproduction.
 */
package io.papers4j.design2code;
