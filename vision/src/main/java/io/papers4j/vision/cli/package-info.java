/** The vision commands ({@code papers4j visionllama}). */
package io.papers4j.vision.cli;
