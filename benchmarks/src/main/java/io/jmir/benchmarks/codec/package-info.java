/**
 * Codec cost: an event encoded into a jmir envelope and decoded through {@link io.jmir.engine.Event} versus the
 * raw generated SBE codec.
 */
package io.jmir.benchmarks.codec;
