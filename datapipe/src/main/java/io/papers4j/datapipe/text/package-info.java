/** Text utilities of the cascade: words, hashing, man-page (roff) text and compact maps. */
package io.papers4j.datapipe.text;
