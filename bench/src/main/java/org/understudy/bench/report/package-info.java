/**
 * What every benchmark report shares: reading JMH's JSON result files ({@link
 * org.understudy.bench.report.JmhResult}, {@link org.understudy.bench.report.MiniJson}) and writing
 * numbers the same way in every Markdown table ({@link org.understudy.bench.report.Figures}).
 */
package org.understudy.bench.report;
