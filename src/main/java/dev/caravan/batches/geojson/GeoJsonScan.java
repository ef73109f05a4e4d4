package dev.caravan.batches.geojson;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.python.PyJson;
import dev.caravan.batches.python.PyText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One streaming pass over a GeoJSON upload that checks it and computes all of WEPPcloud's analysis without keeping
 * a tree of the whole document: each feature is read as a small tree, folded into the count, bbox, schema, samples
 * and its canonical text ({@code json.dumps(feature, sort_keys=True)}), then dropped; only where it lies in the
 * upload is kept, so {@link GeoJsonResource#features()} can read the features when items need them. The checks and
 * their order are those of Python's {@code json.load} followed by WEPPcloud's: malformed JSON first (line and
 * column), then not a FeatureCollection, then no features, then a feature that is not an object.
 */
final class GeoJsonScan {

    private GeoJsonScan() {
    }

    static GeoJsonResource scan(byte[] bytes, String field) {
        try (JsonParser p = JsonTree.FACTORY.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new BatchInputException(field + " is empty: expected a JSON document", field, null, 1, 1);
            }
            if (first != JsonToken.START_OBJECT) {
                JsonTree.value(p, first);
                end(p, field);
                throw notACollection(field);
            }
            // the root's members as Python's dict has them (first place, last value); the features as a Features
            Map<String, Object> root = new LinkedHashMap<>();
            for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                root.put(name, name.equals("features") && v == JsonToken.START_ARRAY ? features(p, bytes.length)
                        : JsonTree.value(p, v));
            }
            end(p, field);
            return resource(bytes, root, field);
        } catch (JsonProcessingException e) {
            throw JsonTree.malformed(field, e.getLocation(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(field + ": " + e.getMessage(), e);
        }
    }

    private static void end(JsonParser p, String field) throws IOException {
        if (p.nextToken() != null) {
            JsonLocation at = p.currentTokenLocation();
            throw JsonTree.malformed(field, at, "extra data after the JSON document");
        }
    }

    private static BatchInputException notACollection(String field) {
        return BatchInputException.field(field, "GeoJSON resource must be a FeatureCollection");
    }

    /** Reads the features list, from its first element to its end, one feature at a time. */
    private static Features features(JsonParser p, int size) throws IOException {
        Features f = new Features(size);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            int start = (int) p.currentTokenLocation().getByteOffset();
            Object value = JsonTree.value(p, t);
            int end = (int) p.currentTokenLocation().getByteOffset() + 1;
            f.add(value, start, end);
        }
        return f;
    }

    private static GeoJsonResource resource(byte[] bytes, Map<String, Object> root, String field) {
        if (!"FeatureCollection".equals(root.get("type"))) {
            throw notACollection(field);
        }
        if (!(root.get("features") instanceof Features features) || features.count == 0) {
            throw BatchInputException.field(field, "GeoJSON resource contains no features");
        }
        if (features.notAnObject >= 0) {
            throw BatchInputException.at(field, features.notAnObject,
                    "GeoJSON resource: features[" + features.notAnObject + "] is not an object");
        }
        List<String> keys = new ArrayList<>(root.keySet());
        keys.sort(PyText::compare);
        AsciiBytes.Digest digest = new AsciiBytes.Digest();
        digest.write('{');
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                digest.write(", ");
            }
            PyJson.dump(keys.get(i), true, digest);
            digest.write(": ");
            Object value = root.get(keys.get(i));
            if (value instanceof Features) {
                digest.write('[');
                digest.write(features.canonical.buffer, 0, features.canonical.fill);
                digest.write(']');
            } else {
                PyJson.dump(value, true, digest);
            }
        }
        digest.write('}');
        String checksum = digest.hex();
        String[] epsg = GeoJsonAnalyzer.epsg(root);
        List<String> properties = new ArrayList<>(features.schema.keySet());
        properties.sort(PyText::compare);
        GeoJsonAnalysis analysis = new GeoJsonAnalysis(features.count, features.bbox(), epsg[0], epsg[1], properties,
                features.schema, features.samples, checksum, digest.size);
        return new GeoJsonResource(bytes, Arrays.copyOf(features.starts, features.count),
                Arrays.copyOf(features.ends, features.count), analysis);
    }

    /** What the features list gives the analysis, built as it is read. */
    private static final class Features {
        int count;
        int notAnObject = -1;
        int[] starts = new int[1024];
        int[] ends = new int[1024];
        final AsciiBytes canonical;
        final double[] box = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        boolean any;
        final Map<String, String> schema = new LinkedHashMap<>();
        final List<GeoJsonAnalysis.Sample> samples = new ArrayList<>();

        Features(int uploadSize) {
            // the canonical text is about as long as the upload (json.dumps' separators against its own)
            canonical = new AsciiBytes(Math.max(1024, uploadSize + uploadSize / 8));
        }

        @SuppressWarnings("unchecked")
        void add(Object value, int start, int end) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            starts[count] = start;
            ends[count] = end;
            if (!(value instanceof Map<?, ?> feature)) {
                if (notAnObject < 0) {
                    notAnObject = count;
                }
            } else if (notAnObject < 0) {
                // past a feature that is not an object the upload is refused: nothing more to compute
                if (count > 0) {
                    canonical.write(", ");
                }
                PyJson.dump(feature, true, canonical);
                any |= GeoJsonAnalyzer.addGeometry(feature.get("geometry"), box);
                Object props = feature.get("properties");
                if (props instanceof Map<?, ?> p) {
                    GeoJsonAnalyzer.addSchema(schema, p);
                }
                if (count < GeoJsonAnalyzer.SAMPLES) {
                    samples.add(new GeoJsonAnalysis.Sample(count,
                            props instanceof Map ? (Map<String, Object>) props : Map.of()));
                }
            }
            count++;
        }

        List<Double> bbox() {
            return any ? List.of(box[0], box[1], box[2], box[3]) : null;
        }
    }
}
