package org.understudy.raft.core;

/** Volatile state worth telling the application about when it changes; never persisted. */
public record SoftState(long leaderId, Role role) {}
