/**
 * JMH benchmarks of jmir, each against its raw baseline in the same class so one run yields both numbers.
 * Results and the commands that reproduce them are in docs/BENCHMARKS.md.
 */
package io.jmir.benchmarks;
