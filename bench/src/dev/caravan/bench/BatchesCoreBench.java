package dev.caravan.bench;

import dev.caravan.batches.geojson.GeoJsonAnalysis;
import dev.caravan.batches.geojson.GeoJsonAnalyzer;
import dev.caravan.batches.geojson.GeoJsonReader;
import dev.caravan.batches.geojson.GeoJsonResource;
import dev.caravan.batches.template.RunIdTemplate;
import dev.caravan.batches.template.RunIdValidation;
import dev.caravan.batches.template.RunIdValidator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Issue 12's two pure figures: analysing a 10 MB GeoJSON (read with the size limit, parse, WEPPcloud's
 * checksum, analysis) and validating a run-id template over 100,000 features, each ≤ 1 s. The GeoJSON
 * has polygons whose coordinates are random doubles (17 significant digits, the slow case for Python's
 * float repr that the checksum needs). Median of 5 after 2 warm-up runs; the first (cold) run is shown too.
 *
 * <pre>java -cp target/caravan.jar:bench/out/classes dev.caravan.bench.BatchesCoreBench</pre>
 */
public final class BatchesCoreBench {

    private static final String NAME = "batches core";
    private static final long SECOND = 1_000_000_000L;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private BatchesCoreBench() {
    }

    public static void main(String[] args) throws Exception {
        byte[] geojson = geojson(10 * 1024 * 1024);
        List<Long> times = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        GeoJsonAnalysis[] last = new GeoJsonAnalysis[1];
        for (int i = 0; i < 7; i++) {
            long c0 = CPU.getCurrentThreadCpuTime();
            times.add(Bench.time(() -> {
                GeoJsonResource r = GeoJsonReader.read(new ByteArrayInputStream(geojson),
                        GeoJsonReader.DEFAULT_MAX_UPLOAD, "resource");
                last[0] = GeoJsonAnalyzer.analyze(r);
            }));
            cpu.add(CPU.getCurrentThreadCpuTime() - c0);
        }
        Bench.info(NAME, "analyse a 10 MB GeoJSON, first run (cold JVM)", Bench.ms(times.get(0)),
                last[0].featureCount() + " features, " + geojson.length + " bytes");
        Bench.timed(NAME, "analyse a 10 MB GeoJSON (median of 5, warm)", Bench.median(times.subList(2, 7)), SECOND,
                "read + parse + checksum + analysis; runs " + Bench.all(times.subList(2, 7)) + cpu(cpu));

        List<Map<String, Object>> features = features(100_000);
        for (String template : List.of("{properties['HucName']}-{properties['Region']}",
                "{slug(properties['HucName'])}-{zfill(one_based_index, 6)}",
                "{properties['Region']}_{properties['area']:.1f}_{index:06d}")) {
            RunIdTemplate.compile(template);
            List<Long> runs = new ArrayList<>();
            List<Long> cpuRuns = new ArrayList<>();
            RunIdValidation[] v = new RunIdValidation[1];
            for (int i = 0; i < 7; i++) {
                long c0 = CPU.getCurrentThreadCpuTime();
                runs.add(Bench.time(() -> v[0] = RunIdValidator.validate(template, features, "checksum")));
                cpuRuns.add(CPU.getCurrentThreadCpuTime() - c0);
            }
            Bench.timed(NAME, "validate " + template + " over 100,000 features (median of 5, warm)",
                    Bench.median(runs.subList(2, 7)), SECOND, "valid=" + v[0].isValid() + "; first run "
                            + Bench.ms(runs.get(0)) + "; runs " + Bench.all(runs.subList(2, 7)) + cpu(cpuRuns));
        }
    }

    /**
     * The measuring thread's own CPU time (median of the 5 warm runs): what the code costs, apart from the waits for a
     * core that a loaded host adds to the wall time (GC threads are not in it).
     */
    private static String cpu(List<Long> cpu) {
        return "; this thread's CPU, median " + Bench.ms(Bench.median(cpu.subList(2, 7)));
    }

    private static byte[] geojson(int size) {
        SplittableRandom random = new SplittableRandom(12);
        StringBuilder s = new StringBuilder(size + 4096).append("{\"type\": \"FeatureCollection\", \"crs\": {\"type\":"
                + " \"name\", \"properties\": {\"name\": \"EPSG:4326\"}}, \"features\": [");
        for (int n = 0; s.length() < size - 4096; n++) {
            s.append(n == 0 ? "" : ", ").append("{\"type\": \"Feature\", \"id\": ").append(n)
                    .append(", \"properties\": {\"HucName\": \"Basin ").append(n).append("\", \"area\": ")
                    .append(random.nextDouble(1, 5000)).append(", \"Region\": \"R").append(n % 9)
                    .append("\"}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[");
            for (int k = 0; k < 24; k++) {
                s.append(k == 0 ? "[" : ", [").append(random.nextDouble(-125, -110)).append(", ")
                        .append(random.nextDouble(40, 49)).append(']');
            }
            s.append("]]}}");
        }
        return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<Map<String, Object>> features(int n) {
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("HucName", "Basin " + i);
            props.put("Region", "R" + (i % 9));
            props.put("area", 1.5 * i);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("type", "Feature");
            f.put("properties", props);
            out.add(f);
        }
        return out;
    }
}
