/** Engine set-up for libtorch: threads, seeds and the settings every run needs. */
package io.papers4j.core.tensor;
