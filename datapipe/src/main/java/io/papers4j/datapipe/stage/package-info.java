/** The contract every stage of the data cascade implements: a document, a stage and its per-document verdict. */
package io.papers4j.datapipe.stage;
