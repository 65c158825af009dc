package org.understudy.raft.storage.chronicle;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unmaps a {@link MappedByteBuffer} at once ({@code sun.misc.Unsafe.invokeCleaner}, in the
 * {@code jdk.unsupported} module, which Chronicle needs anyway) instead of whenever the garbage
 * collector gets to it. Why: the disk space of a deleted segment file is freed only once nothing
 * maps it, and compaction deletes segments to give that space back.
 *
 * <p>The caller must guarantee that nothing reads the buffer any more: touching an unmapped
 * buffer crashes the JVM. {@link MappedSegments} unmaps only while the log's write lock keeps
 * every reader out. Where the call is unavailable the buffer is left to the garbage collector.
 */
final class BufferUnmapper {

    private static final Logger LOG = LoggerFactory.getLogger(BufferUnmapper.class);
    private static final MethodHandle INVOKE_CLEANER = find();

    private BufferUnmapper() {}

    /** Unmaps {@code buffer} (an original mapping, not a slice); false if it is left to the GC. */
    static boolean unmap(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return false;
        }
        try {
            INVOKE_CLEANER.invokeExact((ByteBuffer) buffer);
            return true;
        } catch (Throwable e) {
            LOG.debug("could not unmap a segment mapping; the garbage collector will", e);
            return false;
        }
    }

    private static MethodHandle find() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            MethodHandle cleaner = MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class));
            return cleaner.bindTo(field.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("sun.misc.Unsafe.invokeCleaner is unavailable; mappings of deleted segments are freed by the GC", e);
            return null;
        }
    }
}
