package dev.caravan.report;

import java.util.ArrayList;
import java.util.List;

/** Cuts long texts into Slack-sized pieces at line ends (a single over-long line is cut hard). */
public final class MessageSplitter {

    public static final int SLACK_LIMIT = 3500;

    private MessageSplitter() {
    }

    public static List<String> split(String text, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            while (line.length() > limit) {
                flush(out, cur);
                out.add(line.substring(0, limit));
                line = line.substring(limit);
            }
            if (cur.length() + line.length() + 1 > limit) {
                flush(out, cur);
            }
            if (cur.length() > 0) {
                cur.append('\n');
            }
            cur.append(line);
        }
        flush(out, cur);
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }

    private static void flush(List<String> out, StringBuilder cur) {
        // keep a piece's leading indentation (tables, listings); only blank lines and trailing blanks go
        String s = cur.toString().replaceFirst("^(\\s*\\n)+", "").stripTrailing();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }
}
