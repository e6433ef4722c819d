package io.papers4j.datapipe;

import java.util.List;
import java.util.Map;

/**
 * What one stage did.
 *
 * @param name stage name
 * @param input documents in
 * @param kept documents out
 * @param removed documents removed (input − kept)
 * @param charsIn characters in
 * @param charsOut characters out (lower than kept documents' input characters when spans were cut)
 * @param modified kept documents whose text the stage shortened
 * @param removedByReason removals per reason
 * @param examples up to {@code examples} removed documents per reason: id, reason, note, excerpt
 * @param seconds wall time
 * @param details stage-specific facts
 */
public record StageReport(
    String name,
    long input,
    long kept,
    long removed,
    long charsIn,
    long charsOut,
    long modified,
    Map<String, Long> removedByReason,
    List<Map<String, String>> examples,
    double seconds,
    Map<String, Object> details) {}
