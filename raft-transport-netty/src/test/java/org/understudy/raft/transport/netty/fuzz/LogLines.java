package org.understudy.raft.transport.netty.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records what whole packages log, down to a chosen level, for tests that need every line, even
 * the DEBUG ones behind a WARN throttle. Lines recorded below WARN are kept off the console
 * (the logger stops passing them to the root appender while recording). {@link #close()} puts
 * each logger back as it was.
 */
final class LogLines implements AutoCloseable {
    private record Saved(Logger logger, Level level, boolean additive) {}

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Saved> saved = new ArrayList<>();

    LogLines() {
        appender.start();
    }

    /** Records {@code loggerName} and its children from {@code level} up. */
    LogLines record(String loggerName, Level level) {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
        saved.add(new Saved(logger, logger.getLevel(), logger.isAdditive()));
        if (level.toInt() < Level.WARN_INT) {
            logger.setLevel(level);
            logger.setAdditive(false);
        }
        logger.addAppender(appender);
        return this;
    }

    /** The formatted lines so far, with their level and logger, e.g. {@code WARN o.u.r...ConnectionLog: text}. */
    List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream()
                    .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        }
    }

    @Override
    public void close() {
        for (Saved s : saved) {
            s.logger().detachAppender(appender);
            s.logger().setLevel(s.level());
            s.logger().setAdditive(s.additive());
        }
        appender.stop();
    }
}
