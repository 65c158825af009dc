/** JMH benchmarks for Understudy, each beside a baseline measured in the same run. */
package org.understudy.bench;
