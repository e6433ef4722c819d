/** Yi depth up-scaling (2403.04652 §7.3) and its reproduction. */
package io.papers4j.lm.yi;
