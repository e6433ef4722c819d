/**
 * InfiMM-HD (arXiv 2403.01487): high-resolution tiles plus a thumbnail, 2-D tile position
 * embeddings, gated cross-attention into a decoder LM, and the four training stages, on procedural
 * Java2D documents.
 */
package io.papers4j.multimodal.infimm;
