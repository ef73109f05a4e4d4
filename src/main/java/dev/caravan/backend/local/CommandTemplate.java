package dev.caravan.backend.local;

import dev.caravan.backend.BackendException;
import dev.caravan.model.JobRef;
import dev.caravan.settings.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The local environment's {@code command}: shell text with {@code {job_id}}, {@code {group}}, {@code {batch}} and
 * {@code {params.NAME}} placeholders. Every substituted value is shell-quoted here, so the template must leave
 * placeholders outside quotes; any other brace ({@code ${HOME}}, awk's {@code {print $1}}, {@code find -exec {}})
 * stays as written, except a bare {@code {word}}, which is almost always a misspelt placeholder.
 */
public final class CommandTemplate {

    static final Set<String> JOB_PLACEHOLDERS = Set.of("job_id", "group", "batch");
    private static final Pattern PARAM = Pattern.compile("params\\.([A-Za-z0-9_.-]+)");
    private static final Pattern BARE_WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** A piece of the template: literal text, or a placeholder name ({@code job_id}, {@code params.x}). */
    private record Part(String literal, String placeholder) {
    }

    private final List<Part> parts;

    private CommandTemplate(List<Part> parts) {
        this.parts = parts;
    }

    /**
     * @param key the full setting key, for messages ({@code caravan.env.<name>.command})
     * @throws ConfigException naming the key and the offending placeholder
     */
    public static CommandTemplate parse(String template, String key) {
        if (template == null || template.isBlank()) {
            throw new ConfigException(key, "is empty or not set: the local backend needs a shell command to run,"
                    + " e.g. " + key + "=./run.sh {params.sample}");
        }
        List<Part> parts = new ArrayList<>();
        QuoteTracker quotes = new QuoteTracker();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            int close = c == '{' ? template.indexOf('}', i + 1) : -1;
            // "${...}" is the shell's own expansion, never ours; "\{" is a brace the author escaped
            boolean shellSyntax = i > 0 && template.charAt(i - 1) == '$' || quotes.escaping();
            if (close < 0 || shellSyntax) {
                literal.append(c);
                quotes.accept(c);
                i++;
                continue;
            }
            String inner = template.substring(i + 1, close);
            String placeholder = placeholderName(inner, key);
            if (placeholder == null) {
                literal.append(c);
                quotes.accept(c);
                i++;
                continue;
            }
            if (quotes.quoted()) {
                throw new ConfigException(key, "placeholder {" + inner + "} is inside quotes or"
                        + " backticks; Caravan quotes every substituted value itself, so write it bare"
                        + " (e.g. cmd {" + inner + "}, or $(cmd {" + inner + "}) instead of backticks)");
            }
            if (!literal.isEmpty()) {
                parts.add(new Part(literal.toString(), null));
                literal.setLength(0);
            }
            parts.add(new Part(null, placeholder));
            i = close + 1;
        }
        if (!literal.isEmpty()) {
            parts.add(new Part(literal.toString(), null));
        }
        return new CommandTemplate(List.copyOf(parts));
    }

    /** The placeholder the braces hold, null when they are literal text. */
    private static String placeholderName(String inner, String key) {
        if (PARAM.matcher(inner).matches() || JOB_PLACEHOLDERS.contains(inner)) {
            return inner;
        }
        if (BARE_WORD.matcher(inner).matches()) {
            throw new ConfigException(key, "unknown placeholder {" + inner + "}; the placeholders are"
                    + " {job_id}, {group}, {batch} and {params.<field>} (if the braces are meant literally,"
                    + " put a space inside them: '{ " + inner + " }')");
        }
        return null;
    }

    /** The command for one job, every substituted value shell-quoted. */
    public String render(JobRef job, Map<String, Object> params) throws BackendException {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part.literal() != null) {
                out.append(part.literal());
            } else {
                out.append(ShellValues.quote(valueOf(part.placeholder(), job, params)));
            }
        }
        return out.toString();
    }

    private static String valueOf(String placeholder, JobRef job, Map<String, Object> params) throws BackendException {
        switch (placeholder) {
            case "job_id":
                return job.jobId();
            case "group":
                return job.group();
            case "batch":
                return job.batch();
            default:
                String field = placeholder.substring("params.".length());
                Optional<Object> value = ShellValues.lookup(params, field);
                if (value.isEmpty()) {
                    throw BackendException.badInput("job " + job.path() + ": the command's placeholder {" + placeholder
                            + "} has no value: params.json has no field '" + field + "'");
                }
                try {
                    return ShellValues.render(value.get());
                } catch (IllegalStateException e) {
                    throw BackendException.badInput("job " + job.path() + ": the command's placeholder {" + placeholder
                            + "}: " + e.getMessage(), e);
                }
        }
    }

    /**
     * Follows POSIX sh quoting far enough to tell whether a position is inside '...', "..." or `...`: a value
     * quoted by us inside someone else's quotes would be unquoted again, and that is how injection happens.
     */
    private static final class QuoteTracker {
        private boolean single;
        private boolean dbl;
        private boolean backtick;
        private boolean escaped;

        void accept(char c) {
            if (escaped) {
                escaped = false;
            } else if (single) {
                single = c != '\'';
            } else if (c == '\\') {
                escaped = true;
            } else if (dbl) {
                dbl = c != '"';
            } else if (c == '\'') {
                single = true;
            } else if (c == '"') {
                dbl = true;
            } else if (c == '`') {
                backtick = !backtick;
            }
        }

        boolean quoted() {
            return single || dbl || backtick;
        }

        boolean escaping() {
            return escaped;
        }
    }
}
