/**
 * MLM-Filter (arXiv 2403.02677): a vision-language model fine-tuned to score image-text pairs on four
 * metrics (image-text matching, object detail fulfilment, caption text quality, semantic
 * understanding) and used as a data filter, against CLIPScore and a basic rule filter, on a noisy
 * procedural "web-crawl" pool with known truth plus real Tango icon pairs; downstream small-CLIP
 * training at equal retained fraction and the spec 3(e) reproduction.
 */
package io.papers4j.multimodal.mlmfilter;
