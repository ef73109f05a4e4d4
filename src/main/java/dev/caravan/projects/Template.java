package dev.caravan.projects;

import dev.caravan.model.BadInputException;

import java.util.Map;
import java.util.TreeSet;

/**
 * aws-batch-helpers' {@code {name}} templates: {@code {column}} is replaced by the value of that name, {@code {{} and
 * {@code }}} stand for a brace. Only plain names: no format specs, no attributes, no indexes.
 */
public final class Template {

    private Template() {
    }

    /**
     * @param where names the field and the sample in the error, like {@code workflow.json, analyses[0].outputs[1],
     *              sample S1 (line 2)}
     */
    public static String render(String template, Map<String, String> vars, String where) {
        StringBuilder sb = new StringBuilder(template.length() + 32);
        int n = template.length();
        for (int i = 0; i < n; i++) {
            char c = template.charAt(i);
            if (c == '{') {
                if (i + 1 < n && template.charAt(i + 1) == '{') {
                    sb.append('{');
                    i++;
                    continue;
                }
                int end = template.indexOf('}', i + 1);
                if (end < 0) {
                    throw new BadInputException(where + ": '{' without a closing '}' in \"" + template
                            + "\" (write {{ for a brace)");
                }
                String name = template.substring(i + 1, end);
                if (name.isEmpty() || name.contains("{")) {
                    throw new BadInputException(where + ": empty or nested placeholder in \"" + template + "\"");
                }
                if (name.contains(":") || name.contains("!") || name.contains("[")) {
                    throw new BadInputException(where + ": placeholder {" + name + "} in \"" + template
                            + "\": only plain names are supported, no format specs or indexes");
                }
                String v = vars.get(name);
                if (v == null) {
                    TreeSet<String> have = new TreeSet<>(vars.keySet());
                    String list = String.join(", ", have.stream().limit(25).toList()) + (have.size() > 25 ? ", ..." : "");
                    throw new BadInputException(where + ": {" + name + "} is neither a metadata column nor a workflow key"
                            + " (have: " + list + ")");
                }
                sb.append(v);
                i = end;
            } else if (c == '}') {
                if (i + 1 < n && template.charAt(i + 1) == '}') {
                    sb.append('}');
                    i++;
                    continue;
                }
                throw new BadInputException(where + ": single '}' in \"" + template + "\" (write }} for a brace)");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
