package dev.caravan.icgc;

import dev.caravan.model.BadInputException;
import dev.caravan.model.RunMarker;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ICGC 25K transfer scheduler's {@code job-scheduler.conf} (YAML) as Caravan {@code caravan.*} properties: each
 * compute environment becomes a {@code wes} environment in the {@code argo} dialect with the same name, limits, URLs,
 * NFS roots and workflow; the {@code ENV} blocks name environment variables, which become {@code {{env:VAR}}}
 * placeholders (secrets stay out of the file). Pure: text in, text out. Every problem is a
 * {@link BadInputException} naming the file, the line and the field.
 */
public final class IcgcConfigConverter {

    /** What ICGC's scheduler waited between two WES submissions. */
    public static final String SUBMIT_INTERVAL = "5s";

    static final Set<String> TOP_KEYS = new LinkedHashSet<>(List.of("job_tracking_repo", "tracking_repo_push_interval",
            "scheduling_interval", "compute_environments", "workflow", "slack_notification"));
    static final Set<String> ENV_KEYS = new LinkedHashSet<>(List.of("token_url", "wes_url", "graphql_url",
            "max_parallel_runs", "excessive_failure_threshold", "nfs_root_paths", "ENV"));
    static final Set<String> ENV_VARS = new LinkedHashSet<>(List.of("client_id", "client_secret", "api_token"));
    static final Set<String> WORKFLOW_KEYS = new LinkedHashSet<>(List.of("url", "version", "offline"));
    static final Set<String> SLACK_KEYS = Set.of("ENV");
    static final Set<String> SLACK_VARS = Set.of("web_hook_url");

    /** Caravan's embedded default configuration, on the class path: a --config file replaces it as a whole. */
    static final String EMBEDDED_DEFAULT = "/application.properties";

    private static final Pattern VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern WHOLE = Pattern.compile("\\d+");
    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d+)?|\\.\\d+");

    private final String file;

    private IcgcConfigConverter(String file) {
        this.file = file;
    }

    /** Reads {@code file} (UTF-8) and converts it; problems name the file. */
    public static String convert(Path file) {
        String name = file.toString();
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new BadInputException(name + ": no such file");
        } catch (CharacterCodingException e) {
            throw new BadInputException(name + ": not UTF-8 text");
        } catch (IOException e) {
            throw new BadInputException(name + ": cannot read: " + e.getMessage(), e);
        }
        return convert(text, name);
    }

    /** {@code yaml} is the file's text; {@code fileName} is how messages name it. */
    public static String convert(String yaml, String fileName) {
        return new IcgcConfigConverter(fileName).run(yaml);
    }

    // --- reading -----------------------------------------------------------------------------------

    private record Env(String name, String wesUrl, String graphqlUrl, Optional<String> tokenUrl, int maxParallel,
                       Optional<Integer> threshold, List<String> nfsRoots, Map<String, String> vars) {
    }

    private record Workflow(String url, Optional<String> version, Optional<Boolean> offline) {
    }

    private String run(String yaml) {
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false)
                    .setMaxAliasesForCollections(10).build();
            root = new Compose(settings).composeString(yaml)
                    .orElseThrow(() -> new BadInputException(file + ": empty; expected the scheduler's YAML settings"));
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> m = e.getProblemMark().or(e::getContextMark);
            throw new BadInputException(file + ": " + m.map(x -> "line " + (x.getLine() + 1) + ": ").orElse("")
                    + "not valid YAML: " + e.getProblem(), e);
        } catch (YamlEngineException e) {
            throw new BadInputException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        Map<String, NodeTuple> top = mapping(root, "the top level", TOP_KEYS);

        String repo = requiredText(top, "job_tracking_repo", "job_tracking_repo");
        String push = pushInterval(top);
        String cron = cron(top);
        Workflow wf = workflow(top);
        List<Env> envs = environments(top);
        Optional<String> slackVar = slack(top);
        return render(repo, push, cron, wf, envs, slackVar);
    }

    private String pushInterval(Map<String, NodeTuple> top) {
        NodeTuple t = required(top, "tracking_repo_push_interval", "tracking_repo_push_interval");
        String v = scalar(t.getValueNode(), "tracking_repo_push_interval");
        if (!DECIMAL.matcher(v).matches()) {
            throw bad(t.getValueNode(), "tracking_repo_push_interval", "'" + v + "' is not a number of hours");
        }
        BigDecimal hours = new BigDecimal(v);
        BigDecimal minutes = hours.multiply(BigDecimal.valueOf(60));
        BigDecimal seconds = hours.multiply(BigDecimal.valueOf(3600));
        if (hours.stripTrailingZeros().scale() <= 0) {
            return hours.toBigInteger() + "h";
        }
        if (minutes.stripTrailingZeros().scale() <= 0) {
            return minutes.toBigInteger() + "m";
        }
        if (seconds.stripTrailingZeros().scale() <= 0) {
            return seconds.toBigInteger() + "s";
        }
        throw bad(t.getValueNode(), "tracking_repo_push_interval", "'" + v + "' hours is not a whole number of seconds");
    }

    /** Cron's {@code * /N} (every N minutes from the full hour) in Quartz form, seconds first. */
    private String cron(Map<String, NodeTuple> top) {
        NodeTuple t = required(top, "scheduling_interval", "scheduling_interval");
        int m = wholeNumber(t.getValueNode(), "scheduling_interval", 1);
        if (m < 60) {
            return "0 0/" + m + " * * * ?";
        }
        if (m % 60 == 0 && m / 60 < 24) {
            return "0 0 0/" + (m / 60) + " * * ?";
        }
        if (m == 24 * 60) {
            return "0 0 0 * * ?";
        }
        throw bad(t.getValueNode(), "scheduling_interval", m + " minutes cannot be a cron schedule: use 1 to 59"
                + " minutes, whole hours up to 23, or 1440 (once a day)");
    }

    private Workflow workflow(Map<String, NodeTuple> top) {
        NodeTuple t = required(top, "workflow", "workflow");
        Map<String, NodeTuple> w = mapping(t.getValueNode(), "workflow", WORKFLOW_KEYS);
        String url = requiredText(w, "url", "workflow.url");
        if (url.chars().anyMatch(Character::isWhitespace)) {
            throw bad(w.get("url").getValueNode(), "workflow.url", "must not contain white space");
        }
        Optional<String> version = optionalText(w, "version", "workflow.version");
        Optional<Boolean> offline = Optional.ofNullable(w.get("offline")).map(x -> bool(x.getValueNode(), "workflow.offline"));
        return new Workflow(url, version, offline);
    }

    private List<Env> environments(Map<String, NodeTuple> top) {
        NodeTuple t = required(top, "compute_environments", "compute_environments");
        Map<String, NodeTuple> all = mapping(t.getValueNode(), "compute_environments", null);
        if (all.isEmpty()) {
            throw bad(t.getValueNode(), "compute_environments", "names no environment");
        }
        List<Env> out = new ArrayList<>();
        for (Map.Entry<String, NodeTuple> e : all.entrySet()) {
            String name = e.getKey();
            String at = "compute_environments." + name;
            if (!RunMarker.isValidEnvName(name)) {
                throw bad(e.getValue().getKeyNode(), at, "the environment name must be letters, digits, '_' or '-'"
                        + " (it is part of every run marker run.<epoch>.<env>.<run_id>)");
            }
            Map<String, NodeTuple> m = mapping(e.getValue().getValueNode(), at, ENV_KEYS);
            String wesUrl = requiredText(m, "wes_url", at + ".wes_url");
            String base = wesBase(wesUrl, m.get("wes_url").getValueNode(), at + ".wes_url");
            String graphql = requiredText(m, "graphql_url", at + ".graphql_url");
            httpUrl(graphql, m.get("graphql_url").getValueNode(), at + ".graphql_url");
            Optional<String> token = optionalText(m, "token_url", at + ".token_url");
            token.ifPresent(u -> httpUrl(u, m.get("token_url").getValueNode(), at + ".token_url"));
            int max = wholeNumber(required(m, "max_parallel_runs", at + ".max_parallel_runs").getValueNode(),
                    at + ".max_parallel_runs", 1);
            Optional<Integer> threshold = Optional.ofNullable(m.get("excessive_failure_threshold"))
                    .map(x -> wholeNumber(x.getValueNode(), at + ".excessive_failure_threshold", 0));
            List<String> roots = nfsRoots(m, at);
            Map<String, String> env = new LinkedHashMap<>();
            NodeTuple envBlock = m.get("ENV");
            if (envBlock != null) {
                Map<String, NodeTuple> v = mapping(envBlock.getValueNode(), at + ".ENV", ENV_VARS);
                for (String k : ENV_VARS) {
                    if (v.containsKey(k)) {
                        env.put(k, variable(v.get(k), at + ".ENV." + k));
                    }
                }
            }
            if (token.isPresent()) {
                for (String k : List.of("client_id", "client_secret")) {
                    if (!env.containsKey(k)) {
                        throw bad(envBlock == null ? m.get("token_url").getKeyNode() : envBlock.getKeyNode(),
                                at + ".ENV." + k, "is missing: token_url needs the names of the variables holding the"
                                        + " client id and secret");
                    }
                }
            } else if (env.containsKey("client_id") || env.containsKey("client_secret")) {
                throw bad(envBlock.getKeyNode(), at + ".token_url", "is missing: client_id and client_secret need a"
                        + " token endpoint");
            }
            out.add(new Env(name, base, graphql, token, max, threshold, roots, env));
        }
        return out;
    }

    private List<String> nfsRoots(Map<String, NodeTuple> m, String at) {
        NodeTuple t = m.get("nfs_root_paths");
        if (t == null || isNull(t.getValueNode())) {
            return List.of();
        }
        String field = at + ".nfs_root_paths";
        List<Node> items;
        if (t.getValueNode() instanceof SequenceNode s) {
            items = s.getValue();
        } else if (t.getValueNode() instanceof ScalarNode) {
            items = List.of(t.getValueNode());
        } else {
            throw bad(t.getValueNode(), field, "must be a list of paths");
        }
        List<String> out = new ArrayList<>();
        for (Node n : items) {
            String p = scalar(n, field);
            if (!p.startsWith("/") || p.contains("..") || p.contains(",") || p.chars().anyMatch(Character::isWhitespace)) {
                throw bad(n, field, "'" + p + "' is not an absolute path without '..', commas or spaces");
            }
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private Optional<String> slack(Map<String, NodeTuple> top) {
        NodeTuple t = top.get("slack_notification");
        if (t == null || isNull(t.getValueNode())) {
            return Optional.empty();
        }
        Map<String, NodeTuple> s = mapping(t.getValueNode(), "slack_notification", SLACK_KEYS);
        NodeTuple env = required(s, "ENV", "slack_notification.ENV");
        Map<String, NodeTuple> v = mapping(env.getValueNode(), "slack_notification.ENV", SLACK_VARS);
        return Optional.of(variable(required(v, "web_hook_url", "slack_notification.ENV.web_hook_url"),
                "slack_notification.ENV.web_hook_url"));
    }

    /** ICGC's wes_url is the runs endpoint; Caravan's url is the WES base ({@code <url>/runs} is added). */
    private String wesBase(String url, Node at, String field) {
        httpUrl(url, at, field);
        String s = url;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("/runs")) {
            s = s.substring(0, s.length() - "/runs".length());
        }
        return s;
    }

    private void httpUrl(String url, Node at, String field) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        if (!(lower.startsWith("http://") || lower.startsWith("https://")) || url.length() <= lower.indexOf("//") + 2
                || url.chars().anyMatch(Character::isWhitespace)) {
            throw bad(at, field, "'" + url + "' is not an http or https URL");
        }
    }

    private String variable(NodeTuple t, String field) {
        String v = scalar(t.getValueNode(), field);
        if (!VAR.matcher(v).matches()) {
            throw bad(t.getValueNode(), field, "'" + v + "' is not an environment variable name (letters, digits, '_')");
        }
        return v;
    }

    // --- YAML helpers ----------------------------------------------------------------------------

    /** A mapping's entries by key, in file order; {@code allowed} null means any key. */
    private Map<String, NodeTuple> mapping(Node n, String field, Set<String> allowed) {
        if (!(n instanceof MappingNode m)) {
            throw bad(n, field, "must be a mapping of keys to values" + (allowed == null ? "" : " ("
                    + String.join(", ", allowed) + ")"));
        }
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode(), field + " key");
            String where = field.equals("the top level") ? key : field + "." + key;
            if (allowed != null && !allowed.contains(key)) {
                throw bad(t.getKeyNode(), where, "unknown key '" + key + "' (known " + (field.equals("the top level")
                        ? "at the top level" : "in " + field) + ": " + String.join(", ", allowed) + ")");
            }
            if (out.put(key, t) != null) {
                throw bad(t.getKeyNode(), where, "given twice");
            }
        }
        return out;
    }

    private NodeTuple required(Map<String, NodeTuple> m, String key, String field) {
        NodeTuple t = m.get(key);
        if (t == null) {
            throw new BadInputException(file + ": " + field + " is missing");
        }
        if (isNull(t.getValueNode())) {
            throw bad(t.getKeyNode(), field, "has no value");
        }
        return t;
    }

    private String requiredText(Map<String, NodeTuple> m, String key, String field) {
        NodeTuple t = required(m, key, field);
        String v = scalar(t.getValueNode(), field);
        if (v.isBlank()) {
            throw bad(t.getValueNode(), field, "is empty");
        }
        return v;
    }

    private Optional<String> optionalText(Map<String, NodeTuple> m, String key, String field) {
        NodeTuple t = m.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return Optional.empty();
        }
        String v = scalar(t.getValueNode(), field);
        return v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    private String scalar(Node n, String field) {
        if (!(n instanceof ScalarNode s)) {
            throw bad(n, field, "must be a single value, not a " + (n instanceof MappingNode ? "mapping" : "list"));
        }
        String v = s.getValue().strip();
        if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            throw bad(n, field, "must be one line");
        }
        return v;
    }

    private int wholeNumber(Node n, String field, int min) {
        String v = scalar(n, field);
        if (!WHOLE.matcher(v).matches() || v.length() > 9) {
            throw bad(n, field, "'" + v + "' is not a whole number");
        }
        int i = Integer.parseInt(v);
        if (i < min) {
            throw bad(n, field, "must be at least " + min + ", was " + i);
        }
        return i;
    }

    private boolean bool(Node n, String field) {
        String v = scalar(n, field).toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(n, field, "'" + v + "' is not true or false");
        };
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && (Tag.NULL.equals(s.getTag()) || s.getValue().isEmpty() && s.isPlain());
    }

    private BadInputException bad(Node n, String field, String problem) {
        String line = n == null ? "" : n.getStartMark().map(m -> "line " + (m.getLine() + 1) + ": ").orElse("");
        return new BadInputException(file + ": " + line + field + ": " + problem);
    }

    // --- writing -----------------------------------------------------------------------------------

    private String render(String repo, String push, String cron, Workflow wf, List<Env> envs, Optional<String> slackVar) {
        List<String> vars = new ArrayList<>();
        envs.forEach(e -> vars.addAll(e.vars().values()));
        slackVar.ifPresent(vars::add);
        StringBuilder sb = new StringBuilder();
        sb.append("# Caravan settings converted from ").append(Path.of(file).getFileName())
                .append(" (the ICGC 25K transfer scheduler's configuration).\n");
        sb.append("# Use: java -jar caravan.jar --config THIS_FILE, with these environment variables set:\n");
        sb.append("#   ").append(vars.isEmpty() ? "(none)" : String.join(" ", new LinkedHashSet<>(vars))).append('\n');
        sb.append("# Each compute environment is a wes environment (RDPC, argo dialect) of the same name; its\n");
        sb.append("# wes_url is given without /runs. submit-interval 5s is the pause the original made between\n");
        sb.append("# submissions. The original's -s STUDY,... (study priority) and -x STUDY,... (excluded\n");
        sb.append("# studies) are caravan.groups.priority and caravan.groups.exclude:\n");
        sb.append("# caravan.groups.priority=\n");
        sb.append("# caravan.groups.exclude=\n");
        line(sb, "caravan.tracking.remote", repo);
        line(sb, "caravan.tracking.branch", "scheduler");
        line(sb, "caravan.tracking.admin-branch", "main");
        line(sb, "caravan.tracking.push-interval", push);
        line(sb, "caravan.cycle.cron", cron);
        slackVar.ifPresent(v -> line(sb, "caravan.slack.webhook-url", "{{env:" + v + "}}"));
        for (Env e : envs) {
            String p = "caravan.env." + e.name() + ".";
            line(sb, p + "backend", "wes");
            line(sb, p + "wes-dialect", "argo");
            line(sb, p + "url", e.wesUrl());
            line(sb, p + "graphql-url", e.graphqlUrl());
            e.tokenUrl().ifPresent(u -> line(sb, p + "token-url", u));
            if (e.vars().containsKey("client_id")) {
                line(sb, p + "client-id", "{{env:" + e.vars().get("client_id") + "}}");
                line(sb, p + "client-secret", "{{env:" + e.vars().get("client_secret") + "}}");
            }
            if (e.vars().containsKey("api_token")) {
                line(sb, p + "api-token", "{{env:" + e.vars().get("api_token") + "}}");
            }
            line(sb, p + "max-parallel-runs", Integer.toString(e.maxParallel()));
            e.threshold().ifPresent(t -> line(sb, p + "excessive-failure-threshold", Integer.toString(t)));
            if (!e.nfsRoots().isEmpty()) {
                line(sb, p + "nfs-root-paths", String.join(",", e.nfsRoots()));
            }
            line(sb, p + "workflow-url", wf.url());
            wf.version().ifPresent(v -> line(sb, p + "workflow-version", v));
            wf.offline().ifPresent(v -> line(sb, p + "offline", v.toString()));
            line(sb, p + "submit-interval", SUBMIT_INTERVAL);
        }
        sb.append("# Camel Main, as in Caravan's embedded default: --config replaces that file as a whole. The YAML\n");
        sb.append("# routes come from routes/ (from the jar when there is no routes/ folder); GET /report,\n");
        sb.append("# /observe/health and /observe/metrics on 127.0.0.1:8180.\n");
        camelKeysOfTheEmbeddedDefault().forEach((k, v) -> line(sb, k, v));
        return sb.toString();
    }

    /** The {@code camel.*} keys of the embedded default, in the file's order (the daemon's HTTP, routes, reloading). */
    static Map<String, String> camelKeysOfTheEmbeddedDefault() {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = IcgcConfigConverter.class.getResourceAsStream(EMBEDDED_DEFAULT)) {
            if (in == null) {
                throw new IllegalStateException(EMBEDDED_DEFAULT + " is not on the class path");
            }
            for (String raw : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                // one line at a time through Properties keeps the file's order and its escaping rules
                Properties one = new Properties();
                one.load(new StringReader(raw));
                one.stringPropertyNames().stream().filter(k -> k.startsWith("camel."))
                        .forEach(k -> out.put(k, one.getProperty(k)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + EMBEDDED_DEFAULT, e);
        }
        return out;
    }

    /** {@code key=value} as java.util.Properties reads it back. */
    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append('=');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                sb.append("\\\\");
            } else if (i == 0 && (c == ' ' || c == '\t')) {
                sb.append('\\').append(c);
            } else if (c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('\n');
    }
}
