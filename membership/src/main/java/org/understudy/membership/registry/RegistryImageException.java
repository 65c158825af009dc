package org.understudy.membership.registry;

/**
 * A registry image that this version can not read: an unknown format number (written by a newer
 * version), or contents that contradict themselves (members that are not those of the
 * configuration, duplicate or zero ids). A snapshot that carries one must not be installed: the
 * node would otherwise run with a registry that differs from the other nodes'.
 */
public final class RegistryImageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RegistryImageException(String message) {
        super(message);
    }
}
