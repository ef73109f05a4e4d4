package dev.caravan.secrets;

import dev.caravan.aws.AwsClients;
import dev.caravan.aws.AwsErrors;
import dev.caravan.settings.ConfigException;
import dev.caravan.settings.SettingsReader;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{ssm:/path/name}}} (or {@code {{ssm:/path/name:default}}}): the value of an AWS Systems Manager parameter,
 * SecureString decrypted, wherever Camel resolves placeholders (application.properties, YAML routes). Camel finds it
 * through {@code META-INF/services/org/apache/camel/properties-function/ssm}.
 *
 * <p>The first lookup reads every {@code {{ssm:...}}} named in the properties at once, GetParameters in groups of 10.
 * Values are kept for {@code caravan.aws.ssm-cache-ttl} (default 5m), then read again, again in groups of 10. A
 * parameter AWS does not have stops start-up with a message naming the parameter and the setting that uses it,
 * never a value. Every value read is registered with the {@link Redactor}, so it is masked in logs and Slack.
 */
public final class SsmPropertiesFunction implements PropertiesFunction, CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(SsmPropertiesFunction.class);
    private static final Pattern REF = Pattern.compile("\\{\\{ssm:([^}:]+)(?::[^}]*)?}}");
    static final int GROUP = 10;

    private record Cached(String value, Instant at) {
    }

    /** The SSM calls, replaceable in tests. */
    public interface Fetcher {
        /** Values of these names (≤ 10); names AWS does not have are left out of the map. */
        Map<String, String> get(List<String> names);
    }

    private CamelContext camelContext;
    private volatile Fetcher fetcher;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, String> usedBy = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();
    private final Clock clock;
    private volatile boolean prefetched;

    public SsmPropertiesFunction() {
        this(null, Clock.systemUTC());
    }

    public SsmPropertiesFunction(Fetcher fetcher, Clock clock) {
        this.fetcher = fetcher;
        this.clock = clock;
    }

    @Override
    public String getName() {
        return "ssm";
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** GetParameters calls made so far. */
    public long calls() {
        return calls.get();
    }

    @Override
    public String apply(String remainder) {
        String name = remainder;
        Optional<String> dflt = Optional.empty();
        int colon = remainder.indexOf(':');
        if (colon >= 0) {
            name = remainder.substring(0, colon);
            dflt = Optional.of(remainder.substring(colon + 1));
        }
        name = name.trim();
        if (name.isEmpty()) {
            throw new ConfigException("{{ssm:}}", "names no parameter (write {{ssm:/path/name}})");
        }
        return value(name, dflt);
    }

    private synchronized String value(String name, Optional<String> dflt) {
        Cached c = cache.get(name);
        if (c != null && !expired(c)) {
            return c.value();
        }
        Set<String> wanted = new LinkedHashSet<>();
        wanted.add(name);
        if (!prefetched) {
            wanted.addAll(referencedInProperties());
            prefetched = true;
        }
        // refresh everything that has expired together with this one: fewer calls
        cache.forEach((n, v) -> {
            if (expired(v)) {
                wanted.add(n);
            }
        });
        Map<String, String> got = fetch(List.copyOf(wanted));
        Instant now = clock.instant();
        got.forEach((n, v) -> {
            cache.put(n, new Cached(v, now));
            Redactor.register(v);
        });
        Cached mine = cache.get(name);
        if (got.containsKey(name)) {
            return got.get(name);
        }
        if (dflt.isPresent()) {
            return dflt.get();
        }
        if (mine != null) {
            return mine.value(); // was there before; keep the last value rather than fail a running daemon
        }
        String where = usedBy.getOrDefault(name, "{{ssm:" + name + "}}");
        throw new ConfigException(where, "SSM parameter " + name + " not found (ParameterNotFound)");
    }

    private boolean expired(Cached c) {
        return c.at().plus(ttl()).isBefore(clock.instant());
    }

    private Map<String, String> fetch(List<String> names) {
        Fetcher f = fetcher();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i += GROUP) {
            List<String> group = names.subList(i, Math.min(names.size(), i + GROUP));
            calls.incrementAndGet();
            out.putAll(f.get(group));
        }
        LOG.debug("Read {} SSM parameters in {} calls", out.size(), (names.size() + GROUP - 1) / GROUP);
        return out;
    }

    /** Every {{ssm:NAME}} in the properties Camel has loaded, remembering which key uses it for messages. */
    private Set<String> referencedInProperties() {
        Set<String> out = new LinkedHashSet<>();
        if (camelContext == null) {
            return out;
        }
        PropertiesComponent pc = camelContext.getPropertiesComponent();
        Properties all = new Properties();
        try {
            all.putAll(pc.loadProperties());
        } catch (RuntimeException e) {
            LOG.debug("cannot list properties for SSM prefetch: {}", e.getMessage());
        }
        System.getProperties().forEach((k, v) -> {
            // the JVM's own (sun.java.command holds the whole command line, -Dkey={{ssm:...}} included) name no setting
            if (!isJvmProperty(String.valueOf(k))) {
                all.putIfAbsent(k, v);
            }
        });
        for (String k : new java.util.TreeSet<>(all.stringPropertyNames())) {
            Matcher m = REF.matcher(all.getProperty(k));
            while (m.find()) {
                String n = m.group(1).trim();
                out.add(n);
                usedBy.putIfAbsent(n, k);
            }
        }
        return out;
    }

    private static boolean isJvmProperty(String key) {
        return key.startsWith("sun.") || key.startsWith("java.") || key.startsWith("jdk.");
    }

    private Duration ttl() {
        return reader().duration(AwsSettings.SSM_CACHE_TTL, "5m", SettingsReader.Bound.NOT_NEGATIVE);
    }

    private Optional<String> setting(String key) {
        return reader().optional(key);
    }

    private SettingsReader reader() {
        return new SettingsReader("", camelContext == null ? k -> Optional.ofNullable(System.getProperty(k))
                : camelContext.getPropertiesComponent()::resolveProperty);
    }

    private Fetcher fetcher() {
        Fetcher f = fetcher;
        if (f == null) {
            Optional<URI> endpoint = setting(AwsSettings.ENDPOINT).map(e -> AwsClients.endpoint(AwsSettings.ENDPOINT, e));
            AwsClients.Where where = new AwsClients.Where(setting(AwsSettings.REGION), endpoint);
            SsmClient ssm;
            try {
                ssm = AwsClients.ssm(where, AwsSettings.REGION);
            } catch (ConfigException e) {
                throw new ConfigException(AwsSettings.REGION, "{{ssm:...}} needs an AWS region: set " + AwsSettings.REGION
                        + " or AWS_REGION");
            }
            f = new SdkFetcher(ssm, where);
            fetcher = f;
        }
        return f;
    }

    /** GetParameters with decryption; AWS's InvalidParameters are the names it does not have. */
    static final class SdkFetcher implements Fetcher {
        private final SsmClient ssm;
        private final AwsClients.Where where;

        SdkFetcher(SsmClient ssm, AwsClients.Where where) {
            this.ssm = ssm;
            this.where = where;
        }

        @Override
        public Map<String, String> get(List<String> names) {
            try {
                GetParametersResponse r = ssm.getParameters(b -> b.names(names).withDecryption(true));
                Map<String, String> out = new LinkedHashMap<>();
                for (Parameter p : r.parameters()) {
                    out.put(p.name(), p.value());
                }
                return out;
            } catch (SdkException e) {
                throw new ConfigException("{{ssm:" + names.get(0) + "}}", "cannot read SSM parameters "
                        + String.join(", ", new ArrayList<>(names)) + " (" + where.describe() + "): "
                        + AwsErrors.describe(e));
            }
        }
    }
}
