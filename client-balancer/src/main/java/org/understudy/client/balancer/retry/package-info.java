/**
 * What one attempt's result means and what to do next: the retry rules in one pure function,
 * tested on their own.
 */
package org.understudy.client.balancer.retry;
