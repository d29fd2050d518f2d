/**
 * Pipeline throughput: events hopping through module stages on jmir's pipeline runtime versus the same
 * topology hand-written on raw LMAX Disruptor rings.
 */
package io.jmir.benchmarks.pipeline;
