/**
 * Weight adapters shared by every model family: LoRA (W₀ frozen plus (α/r)·B·A), the low-rank
 * factorisation W = B·A, and the merge that turns an adapted checkpoint back into dense weights.
 */
package io.papers4j.core.nn.adapter;
