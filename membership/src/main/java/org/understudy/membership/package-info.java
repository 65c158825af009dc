/**
 * The learner lifecycle as an operator API (DESIGN.md §4): a member registry carried by the
 * configuration-change entries themselves, safe adds, checked promotions, limits, automatic
 * promotion, standby failover and learner reads. Depends on {@code raft-core} only.
 */
package org.understudy.membership;
