package dev.caravan.batches.geojson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.SharedFixtures;
import dev.caravan.batches.UploadTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeoJsonReaderTest {

    private static final long MB10 = GeoJsonReader.DEFAULT_MAX_UPLOAD;

    /*
     * Checksums and sizes made once with the system Python, as WEPPcloud computes them:
     *   /usr/bin/python3 -c 'import json,hashlib,sys; d=json.load(open(sys.argv[1], encoding="utf-8"));
     *     print(hashlib.sha256(json.dumps(d, sort_keys=True).encode("utf-8")).hexdigest(),
     *           len(json.dumps(d).encode("utf-8")))' FILE
     */
    private static final String SIMPLE_SHA = "3189e88abe3a8426247cd212724a86aa68753c7b94e4e41a498b6c26f6ecc9e2";
    private static final String PROPERTIES_SHA = "c5c9dcc0d083d5167ccd6cbdda1e75bfb01202258e9bdae2b5ce8672f857d8ae";

    @Test
    void simpleGeoJsonHasWeppcloudsChecksumAndAnalysis() {
        GeoJsonResource r = GeoJsonReader.read(SharedFixtures.simpleGeoJson(), MB10, "resource");
        assertThat(r.checksum()).isEqualTo(SIMPLE_SHA);
        assertThat(r.sizeBytes()).isEqualTo(666);
        GeoJsonAnalysis a = GeoJsonAnalyzer.analyze(r);
        assertThat(a.featureCount()).isEqualTo(3);
        assertThat(a.bbox()).containsExactly(-116.91234, 46.7321, -116.7021, 46.8013);
        assertThat(a.epsg()).isEqualTo("EPSG:4326");
        assertThat(a.epsgSource()).isEqualTo("declared");
        assertThat(a.properties()).containsExactly("HucName", "NumericId", "Region");
        assertThat(a.attributeSchema()).containsExactly(Map.entry("HucName", "string"),
                Map.entry("Region", "string"), Map.entry("NumericId", "integer"));
        assertThat(a.sampleProperties()).hasSize(3);
        assertThat(a.sampleProperties().get(2).properties()).containsEntry("HucName", "Juniper Basin");
        assertThat(a.checksum()).isEqualTo(SIMPLE_SHA);
        assertThat(a.sizeBytes()).isEqualTo(666);
    }

    @Test
    void integerStringNestedAndOddPropertiesHaveWeppcloudsChecksum() throws IOException {
        GeoJsonResource r = GeoJsonReader.parse(resource("properties.geojson"), "resource");
        assertThat(r.checksum()).isEqualTo(PROPERTIES_SHA);
        assertThat(r.sizeBytes()).isEqualTo(1199);
        Map<String, Object> first = props(r, 0);
        assertThat(first.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(first.get("n")).isEqualTo(7L);
        assertThat(first.get("exp")).isEqualTo(1000.0);
        assertThat(first.get("dup")).as("the last of duplicate keys wins, as in Python").isEqualTo(2L);
    }

    @Test
    void analysisFollowsWeppcloud() throws IOException {
        GeoJsonAnalysis a = GeoJsonAnalyzer.analyze(GeoJsonReader.parse(resource("properties.geojson"), "r"));
        // made with WEPPcloud's _build_property_schema run by /usr/bin/python3 on the same file
        assertThat(a.attributeSchema()).containsExactly(Map.entry("name", "mixed"), Map.entry("basin", "string"),
                Map.entry("area_km2", "mixed"), Map.entry("n", "integer"), Map.entry("big", "integer"),
                Map.entry("neg", "number"), Map.entry("exp", "number"), Map.entry("tiny", "number"),
                Map.entry("flag", "boolean"), Map.entry("nothing", "mixed"), Map.entry("list", "array"),
                Map.entry("nested", "object"), Map.entry("uni", "string"), Map.entry("esc", "string"),
                Map.entry("dup", "integer"), Map.entry("zzz", "string"), Map.entry("Z", "string"),
                Map.entry("extra", "number"));
        assertThat(a.properties()).containsExactly("Z", "area_km2", "basin", "big", "dup", "esc", "exp", "extra",
                "flag", "list", "n", "name", "neg", "nested", "nothing", "tiny", "uni", "zzz");
        // "urn:ogc:def:crs:EPSG::26910" does not match WEPPcloud's EPSG[:/](\d+) (two colons): the default
        assertThat(a.epsg()).isEqualTo("EPSG:4326");
        assertThat(a.epsgSource()).isEqualTo("default");
        // the GeometryCollection's point (-125.5, 47.5) counts; WEPPcloud skips GeometryCollections
        assertThat(a.bbox()).containsExactly(-125.5, 47.5, -123.0, 49.25);
        assertThat(a.sampleProperties()).hasSize(4);
        assertThat(a.sampleProperties().get(2).properties()).isEmpty();
        assertThat(a.featureCount()).isEqualTo(4);
    }

    @Test
    void epsgFromCrsNameOrDefault() {
        assertThat(GeoJsonAnalyzer.epsg(Map.of("crs", Map.of("name", "epsg/3857")))).containsExactly("EPSG:3857",
                "declared");
        assertThat(GeoJsonAnalyzer.epsg(Map.of("crs", Map.of("properties", Map.of("name", "WGS84")))))
                .containsExactly("EPSG:4326", "default");
        assertThat(GeoJsonAnalyzer.epsg(Map.of())).containsExactly("EPSG:4326", "default");
    }

    @Test
    void featuresWithoutCoordinatesHaveNoBbox() {
        GeoJsonResource r = parse("{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\","
                + " \"properties\": {\"a\": 1}, \"geometry\": null}]}");
        assertThat(GeoJsonAnalyzer.analyze(r).bbox()).isNull();
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertThatThrownBy(() -> parse("{\"type\": \"FeatureCollection\",\n  \"features\": [\n    {\"a\": 1,}\n]}"))
                .isInstanceOfSatisfying(BatchInputException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(13);
                    assertThat(e.field()).isEqualTo("resource");
                    assertThat(e).hasMessageStartingWith("resource is not valid JSON at line 3, column 13: ");
                });
        assertThatThrownBy(() -> parse("{\"type\": \"FeatureCollection\"} {}"))
                .hasMessageContaining("extra data after the JSON document").hasMessageContaining("line 1, column 31");
        assertThatThrownBy(() -> parse("")).hasMessage("resource is empty: expected a JSON document");
        assertThatThrownBy(() -> parse("{\"type\": \"FeatureCollection\", \"features\": [1"))
                .isInstanceOf(BatchInputException.class).hasMessageContaining("not valid JSON at line 1");
    }

    @Test
    void mustBeAFeatureCollectionWithFeatures() {
        assertThatThrownBy(() -> parse("[]")).hasMessage("GeoJSON resource must be a FeatureCollection");
        assertThatThrownBy(() -> parse("{\"type\": \"Feature\"}"))
                .hasMessage("GeoJSON resource must be a FeatureCollection");
        assertThatThrownBy(() -> parse("{\"type\": \"FeatureCollection\"}"))
                .hasMessage("GeoJSON resource contains no features");
        assertThatThrownBy(() -> parse("{\"type\": \"FeatureCollection\", \"features\": []}"))
                .hasMessage("GeoJSON resource contains no features");
        assertThatThrownBy(() -> parse("{\"type\": \"FeatureCollection\", \"features\": {}}"))
                .hasMessage("GeoJSON resource contains no features");
        assertThatThrownBy(() -> parse("{\"type\": \"FeatureCollection\", \"features\": [{}, 5]}"))
                .isInstanceOfSatisfying(BatchInputException.class, e -> assertThat(e.index()).isEqualTo(1))
                .hasMessage("GeoJSON resource: features[1] is not an object");
    }

    @Test
    void anUploadPastTheLimitIsRefusedWhileReadingWithoutReadingItAll() {
        byte[] big = ("{\"type\": \"FeatureCollection\", \"features\": [" + "{\"type\": \"Feature\"},".repeat(2000)
                + "{}]}").getBytes(StandardCharsets.UTF_8);
        CountingStream in = new CountingStream(big);
        assertThatThrownBy(() -> GeoJsonReader.read(in, 1000, "resource"))
                .isInstanceOfSatisfying(UploadTooLargeException.class, e -> {
                    assertThat(e.limit()).isEqualTo(1000);
                    assertThat(e.field()).isEqualTo("resource");
                })
                .hasMessage("resource is larger than the upload limit of 1000 bytes (caravan.batches.max-upload)");
        assertThat(in.served).isLessThanOrEqualTo(1001).isLessThan(big.length);
        CountingStream raw = new CountingStream(big);
        assertThatThrownBy(() -> GeoJsonReader.readUpload(raw, 5000, "resource"))
                .isInstanceOf(UploadTooLargeException.class);
        assertThat(raw.served).isLessThanOrEqualTo(5001);
        assertThat(GeoJsonReader.readUpload(new ByteArrayInputStream(big), big.length, "resource")).isEqualTo(big);
        assertThat(GeoJsonReader.read(new ByteArrayInputStream(big), big.length, "resource").features())
                .hasSize(2001);
    }

    private static GeoJsonResource parse(String json) {
        return GeoJsonReader.parse(json.getBytes(StandardCharsets.UTF_8), "resource");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(GeoJsonResource r, int i) {
        return (Map<String, Object>) r.features().get(i).get("properties");
    }

    private byte[] resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/dev/caravan/batches/geojson/" + name)) {
            return in.readAllBytes();
        }
    }

    /** Counts the bytes actually handed out. */
    private static final class CountingStream extends InputStream {
        private final byte[] data;
        int served;

        CountingStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return served < data.length ? data[served++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (served >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - served);
            System.arraycopy(data, served, b, off, n);
            served += n;
            return n;
        }
    }

    @SuppressWarnings("unchecked")
    @Test
    void listsKeepTheirOrder() {
        GeoJsonResource r = parse("{\"type\": \"FeatureCollection\", \"features\": [{\"properties\": {\"b\": 1,"
                + " \"a\": [3, 1, 2]}}]}");
        assertThat(props(r, 0).keySet()).containsExactly("b", "a");
        assertThat((List<Object>) props(r, 0).get("a")).containsExactly(3L, 1L, 2L);
    }
}
