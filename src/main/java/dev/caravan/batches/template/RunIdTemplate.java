package dev.caravan.batches.template;

import dev.caravan.batches.python.Budget;
import dev.caravan.batches.python.FormatSpec;
import dev.caravan.batches.python.Limits;
import dev.caravan.batches.python.PyException;
import dev.caravan.batches.python.PyFormat;
import dev.caravan.batches.python.PyRepr;
import dev.caravan.batches.python.PyText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled run-id template, WEPPcloud's rules: literal text, {@code {{}} and {@code }}} for braces,
 * {@code {expr}} rendered with Python's str() and {@code {expr:format_spec}} with Python's format(). The
 * expressions are parsed and checked once, here; {@link #render} evaluates them for one feature with no
 * reflection, no eval and a bounded budget ({@link Limits}).
 */
public final class RunIdTemplate {

    private final String text;
    private final List<Object> parts;

    /** A {expr[:spec]} field; spec is null when absent or blank. */
    private record Field(Expr expr, FormatSpec spec) {
    }

    private RunIdTemplate(String text, List<Object> parts) {
        this.text = text;
        this.parts = parts;
    }

    /** Compiles a template or throws {@link TemplateException} naming what is wrong and where. */
    public static RunIdTemplate compile(String template) {
        if (template == null || PyText.strip(template).isEmpty()) {
            throw new TemplateException("template is required");
        }
        if (template.length() > Limits.MAX_TEMPLATE_CHARS) {
            throw new TemplateException("template is too long: " + template.length() + " characters (at most "
                    + Limits.MAX_TEMPLATE_CHARS + ")");
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        int n = template.length();
        while (i < n) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < n && template.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
            } else if (c == '{') {
                int close = closingBrace(template, i);
                flush(literal, parts);
                parts.add(field(template, i + 1, close));
                i = close + 1;
            } else if (c == '}') {
                if (i + 1 < n && template.charAt(i + 1) == '}') {
                    literal.append('}');
                    i += 2;
                } else {
                    throw new TemplateException("Single '}' encountered in format string", i + 1);
                }
            } else {
                literal.append(c);
                i++;
            }
        }
        flush(literal, parts);
        return new RunIdTemplate(template, List.copyOf(parts));
    }

    private static void flush(StringBuilder literal, List<Object> parts) {
        if (literal.length() > 0) {
            parts.add(literal.toString());
            literal.setLength(0);
        }
    }

    /** WEPPcloud counts braces to find the end of a field, quotes or not. */
    private static int closingBrace(String t, int open) {
        int depth = 1;
        for (int j = open + 1; j < t.length(); j++) {
            char c = t.charAt(j);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return j;
            }
        }
        throw new TemplateException("Unmatched '{' in template", open + 1);
    }

    private static Field field(String t, int start, int end) {
        int colon = formatColon(t, start, end);
        int exprEnd = colon < 0 ? end : colon;
        int exprStart = start;
        while (exprStart < exprEnd && PyText.isSpace(t.charAt(exprStart))) {
            exprStart++;
        }
        String expr = PyText.strip(t.substring(start, exprEnd));
        Expr parsed = Parser.parse(expr, exprStart);
        String spec = colon < 0 ? "" : PyText.strip(t.substring(colon + 1, end));
        if (spec.isEmpty()) {
            return new Field(parsed, null);
        }
        try {
            return new Field(parsed, FormatSpec.parse(spec, null));
        } catch (PyException e) {
            throw new TemplateException(e.detail() + " in template at column " + (colon + 2), colon + 2);
        }
    }

    /** The ':' that starts a format spec: the first outside quotes and brackets (WEPPcloud's _split_format). */
    private static int formatColon(String t, int start, int end) {
        int depth = 0;
        boolean single = false;
        boolean dbl = false;
        for (int i = start; i < end; i++) {
            char c = t.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (single || dbl) {
                continue;
            } else if (c == '[' || c == '(' || c == '{') {
                depth++;
            } else if (c == ']' || c == ')' || c == '}') {
                depth = Math.max(depth - 1, 0);
            } else if (c == ':' && depth == 0) {
                return i;
            }
        }
        return -1;
    }

    public String text() {
        return text;
    }

    /**
     * The template's text for one feature (a GeoJSON Feature object) at its 0-based index, not yet
     * trimmed. Throws {@link PyException} for what fails on this feature only (a missing key, a type error).
     */
    public String render(Map<String, Object> feature, int index) {
        return render(feature, index, new Budget(Limits.MAX_STEPS));
    }

    public String render(Map<String, Object> feature, int index, Budget budget) {
        return render(Names.of(feature, index), budget);
    }

    /** The template's text for one row of a rows resource: {@code properties} and {@code feature} are the row. */
    public String renderRow(Map<String, Object> row, int index, Budget budget) {
        return render(Names.ofRow(row, index), budget);
    }

    String render(Object[] names, Budget budget) {
        Scope scope = new Scope(names, budget);
        if (parts.size() == 1 && parts.get(0) instanceof String s) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof String s) {
                out.append(s);
                continue;
            }
            Field f = (Field) part;
            Object value = f.expr().eval(scope);
            out.append(f.spec() == null ? PyRepr.str(value, budget) : PyFormat.format(value, f.spec(), budget));
        }
        return out.toString();
    }
}
