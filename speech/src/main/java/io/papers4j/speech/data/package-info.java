/** Speech data: phoneme-timed synthesis with espeak-ng. */
package io.papers4j.speech.data;
