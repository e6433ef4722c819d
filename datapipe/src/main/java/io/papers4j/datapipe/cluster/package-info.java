/** Topic clustering of the surviving documents. */
package io.papers4j.datapipe.cluster;
