package dev.caravan.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree the way a person would: two-space indent, {@code "key": value}, one array
 * element per line, empty containers as {@code {}} and {@code []}, keys in their given order, and a
 * final newline. Scalars are written by Jackson, so strings are escaped and numbers kept as read.
 */
final class PrettyJson {

    private PrettyJson() {
    }

    static String write(JsonNode node) {
        StringBuilder sb = new StringBuilder(256);
        write(node, sb, 0);
        return sb.append('\n').toString();
    }

    private static void write(JsonNode node, StringBuilder sb, int depth) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                indent(sb, depth + 1);
                sb.append(TextNode.valueOf(e.getKey())).append(": ");
                write(e.getValue(), sb, depth + 1);
                sb.append(it.hasNext() ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                indent(sb, depth + 1);
                write(node.get(i), sb, depth + 1);
                sb.append(i + 1 < node.size() ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append(']');
        } else {
            sb.append(node); // JsonNode.toString() is valid JSON for a scalar
        }
    }

    private static void indent(StringBuilder sb, int depth) {
        for (int i = 0; i < depth; i++) {
            sb.append("  ");
        }
    }
}
