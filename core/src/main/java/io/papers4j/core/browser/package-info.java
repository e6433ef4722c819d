/**
 * Headless Chromium over the DevTools protocol: one browser process and one reused tab serve many
 * pages (Design2Code's renderer, InfiMM-HD's web screenshots).
 */
package io.papers4j.core.browser;
