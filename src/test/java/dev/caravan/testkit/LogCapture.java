package dev.caravan.testkit;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Everything logged while attached, messages and stack traces, to check what reaches the log. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Timed> timed = new CopyOnWriteArrayList<>();

    /** A message and when it was logged. */
    public record Timed(java.time.Instant at, String message) {
    }

    private LogCapture() {
        super("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    }

    public static LogCapture attach() {
        LogCapture c = new LogCapture();
        c.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().addAppender(c, Level.ALL, null);
        ctx.updateLoggers();
        return c;
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder sb = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " "
                + event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            StringWriter w = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(w));
            sb.append('\n').append(w);
        }
        lines.add(sb.toString());
        timed.add(new Timed(java.time.Instant.ofEpochMilli(event.getTimeMillis()), event.getMessage().getFormattedMessage()));
    }

    /** The messages (without stack traces) with their times, in the order logged. */
    public List<Timed> timed() {
        return List.copyOf(timed);
    }

    public String all() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(getName());
        ctx.updateLoggers();
        stop();
    }
}
