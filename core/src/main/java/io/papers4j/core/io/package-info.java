/**
 * Format-neutral files: safetensors, checkpoint directories with config.json and papers4j.json,
 * JSON reading and atomic writes.
 */
package io.papers4j.core.io;
