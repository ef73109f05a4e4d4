package dev.caravan.batches.geojson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.SharedFixtures;
import dev.caravan.batches.python.PyJson;
import dev.caravan.batches.python.PyText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The one-pass scan answers what reading the whole document as a tree answers (the way WEPPcloud reads it, and the
 * way this reader did before): the same checksum, size, analysis and features, and the same error, with its line,
 * column, field and index, on bad inputs.
 */
class GeoJsonScanTest {

    @Test
    void sameAnswerAsTheWholeTreeOnTheFixtures() throws IOException {
        sameAsTree(Files.readAllBytes(SharedFixtures.simpleGeoJson()));
        try (InputStream in = getClass().getResourceAsStream("/dev/caravan/batches/geojson/properties.geojson")) {
            sameAsTree(in.readAllBytes());
        }
    }

    @Test
    void sameAnswerWhateverTheRootMembersOrderAndManyFloats() {
        // members that sort before and after "features" come after it; a bbox member; a features key given twice
        sameAsTree(bytes("{\"features\": {\"not\": \"this\"}, \"type\": \"FeatureCollection\", \"features\": "
                + features(300) + ", \"crs\": {\"name\": \"EPSG/3857\"}, \"bbox\": [1, 2, 3, 4], \"name\": \"é\"}"));
        sameAsTree(bytes("{\"type\": \"FeatureCollection\", \"features\": " + features(3)
                + ", \"zeta\": {\"b\": [1.5e300, -0.0, 1e-7], \"a\": null}}"));
        sameAsTree(bytes("{\"type\": \"FeatureCollection\", \"features\": [{\"features\": [1, 2]},"
                + " {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [true, 2]}}]}"));
    }

    @Test
    void badInputsGiveTheSameErrorWithLineColumnFieldAndIndex() {
        for (String bad : List.of("", "   ", "[]", "5", "[1,", "{\"type\": \"Feature\"}", "{\"type\": \"FeatureCollection\"}",
                "{\"type\": \"FeatureCollection\", \"features\": []}",
                "{\"type\": \"FeatureCollection\", \"features\": {}}",
                "{\"type\": \"FeatureCollection\", \"features\": [{}, 5]}",
                "{\"type\": \"FeatureCollection\", \"features\": [{}, 5, {}, []]}",
                // malformed JSON is found before any other problem, wherever it is
                "{\"type\": \"FeatureCollection\", \"features\": [5, {\"a\": 1,}]}",
                "{\"type\": \"Feature\", \"features\": [5, {}]} x",
                "{\"type\": \"FeatureCollection\",\n  \"features\": [\n    {\"a\": 1,}\n]}",
                "{\"type\": \"FeatureCollection\"} {}",
                "{\"type\": \"FeatureCollection\", \"features\": [1",
                // a features list given twice: the last one counts
                "{\"type\": \"FeatureCollection\", \"features\": [{}], \"features\": []}",
                "{\"type\": \"FeatureCollection\", \"features\": [5], \"features\": [{}, 6]}",
                "{\"features\": [{}], \"type\": \"FeatureCollection\", \"type\": \"Feature\"}")) {
            Throwable tree = catchThrowable(() -> Reference.read(bytes(bad)));
            Throwable scan = catchThrowable(() -> GeoJsonReader.parse(bytes(bad), "resource"));
            assertThat(scan).as(bad).isInstanceOf(BatchInputException.class).hasMessage(tree.getMessage());
            BatchInputException s = (BatchInputException) scan;
            BatchInputException t = (BatchInputException) tree;
            assertThat(List.of(String.valueOf(s.field()), String.valueOf(s.index()), String.valueOf(s.line()),
                    String.valueOf(s.column()))).as(bad).containsExactly(String.valueOf(t.field()),
                    String.valueOf(t.index()), String.valueOf(t.line()), String.valueOf(t.column()));
        }
        BatchInputException e = (BatchInputException) catchThrowable(() -> GeoJsonReader.parse(
                bytes("{\"type\": \"FeatureCollection\",\n  \"features\": [5,\n    {\"a\": 1,}\n]}"), "resource"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(13);
        assertThat(e.field()).isEqualTo("resource");
    }

    private static void sameAsTree(byte[] upload) {
        Reference want = Reference.read(upload);
        GeoJsonResource got = GeoJsonReader.read(new ByteArrayInputStream(upload), upload.length, "resource");
        GeoJsonAnalysis a = GeoJsonAnalyzer.analyze(got);
        assertThat(got.checksum()).isEqualTo(want.checksum);
        assertThat(got.sizeBytes()).isEqualTo(want.size);
        assertThat(got.featureCount()).isEqualTo(want.features.size());
        assertThat(PyJson.dumps(got.features(), true)).isEqualTo(PyJson.dumps(want.features, true));
        assertThat(got.features()).isEqualTo(want.features);
        assertThat(a.featureCount()).isEqualTo(want.features.size());
        assertThat(a.bbox()).isEqualTo(want.bbox);
        assertThat(List.of(a.epsg(), a.epsgSource())).containsExactly(want.epsg[0], want.epsg[1]);
        assertThat(a.attributeSchema()).containsExactlyEntriesOf(want.schema);
        assertThat(a.properties()).isEqualTo(want.properties);
        assertThat(a.sampleProperties()).isEqualTo(want.samples);
    }

    /** The whole document as one tree, then WEPPcloud's checks and analysis over it: what the reader did before. */
    private static final class Reference {
        String checksum;
        long size;
        List<Map<String, Object>> features;
        List<Double> bbox;
        String[] epsg;
        Map<String, String> schema = new LinkedHashMap<>();
        List<String> properties;
        List<GeoJsonAnalysis.Sample> samples = new ArrayList<>();

        @SuppressWarnings("unchecked")
        static Reference read(byte[] upload) {
            Object root = JsonTree.parse(new ByteArrayInputStream(upload), "resource");
            if (!(root instanceof Map<?, ?> map) || !"FeatureCollection".equals(map.get("type"))) {
                throw BatchInputException.field("resource", "GeoJSON resource must be a FeatureCollection");
            }
            if (!(map.get("features") instanceof List<?> list) || list.isEmpty()) {
                throw BatchInputException.field("resource", "GeoJSON resource contains no features");
            }
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof Map)) {
                    throw BatchInputException.at("resource", i, "GeoJSON resource: features[" + i + "] is not an object");
                }
            }
            Reference r = new Reference();
            r.checksum = sha256(PyJson.dumps(root, true));
            r.size = PyJson.dumps(root, false).length();
            r.features = (List<Map<String, Object>>) list;
            double[] box = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.NEGATIVE_INFINITY};
            boolean any = false;
            for (int i = 0; i < r.features.size(); i++) {
                Map<String, Object> f = r.features.get(i);
                any |= coordinates(f.get("geometry"), box);
                Object props = f.get("properties");
                if (props instanceof Map<?, ?> p) {
                    for (Map.Entry<?, ?> e : p.entrySet()) {
                        r.schema.merge((String) e.getKey(), GeoJsonAnalyzer.typeOf(e.getValue()),
                                (old, now) -> old.equals(now) ? old : "mixed");
                    }
                }
                if (i < 5) {
                    r.samples.add(new GeoJsonAnalysis.Sample(i, props instanceof Map ? (Map<String, Object>) props : Map.of()));
                }
            }
            r.bbox = any ? List.of(box[0], box[1], box[2], box[3]) : null;
            r.epsg = GeoJsonAnalyzer.epsg((Map<String, Object>) map);
            r.properties = new ArrayList<>(r.schema.keySet());
            r.properties.sort(PyText::compare);
            return r;
        }

        /** Every [x, y, ...] pair under a geometry (and a GeometryCollection's members). */
        private static boolean coordinates(Object node, double[] box) {
            boolean any = false;
            if (node instanceof Map<?, ?> g) {
                any |= coordinates(g.get("coordinates"), box);
                if (g.get("geometries") instanceof List<?> members) {
                    for (Object m : members) {
                        any |= coordinates(m, box);
                    }
                }
            } else if (node instanceof List<?> l && !l.isEmpty()) {
                if (l.get(0) instanceof List) {
                    for (Object c : l) {
                        any |= c instanceof List && coordinates(c, box);
                    }
                } else if (l.size() >= 2 && number(l.get(0)) != null && number(l.get(1)) != null) {
                    double x = number(l.get(0));
                    double y = number(l.get(1));
                    box[0] = Math.min(box[0], x);
                    box[1] = Math.min(box[1], y);
                    box[2] = Math.max(box[2], x);
                    box[3] = Math.max(box[3], y);
                    return true;
                }
            }
            return any;
        }

        private static Double number(Object v) {
            return v instanceof Boolean b ? (b ? 1.0 : 0.0) : v instanceof Number n ? n.doubleValue() : null;
        }

        private static String sha256(String ascii) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(ascii.getBytes(StandardCharsets.US_ASCII)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String features(int n) {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ", ").append("{\"type\": \"Feature\", \"properties\": {\"z\": ").append(random.nextDouble())
                    .append(", \"a\": ").append(i % 3 == 0 ? "\"s\"" : Long.toString(i)).append("}, \"geometry\": {\"type\":"
                            + " \"LineString\", \"coordinates\": [[").append(random.nextDouble(-180, 180)).append(", ")
                    .append(random.nextDouble(-90, 90)).append("], [").append(random.nextDouble(-1e-5, 1e-5))
                    .append(", ").append(random.nextDouble(-1e21, 1e21)).append("]]}}");
        }
        return s.append(']').toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
