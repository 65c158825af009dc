/** JMH benchmarks for Understudy, each beside a baseline measured in the same run, and the process-level learner benchmarks. */
package org.understudy.bench;
