package dev.caravan.batches.geojson;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An uploaded GeoJSON FeatureCollection, checked, with WEPPcloud's analysis of it and its identity:
 * {@code checksum} = sha256 of {@code json.dumps(data, sort_keys=True)} and {@code sizeBytes} = the length of
 * {@code json.dumps(data)}. The features are read as Python's json module reads them when first asked for
 * (an analysis alone never needs them as a tree), from where each lies in the upload.
 */
public final class GeoJsonResource {

    private final byte[] upload;
    private final int[] starts;
    private final int[] ends;
    private final GeoJsonAnalysis analysis;
    private List<Map<String, Object>> features;

    GeoJsonResource(byte[] upload, int[] starts, int[] ends, GeoJsonAnalysis analysis) {
        this.upload = upload;
        this.starts = starts;
        this.ends = ends;
        this.analysis = analysis;
    }

    /** Every feature, each an object, in order; read once, on the first call. */
    @SuppressWarnings("unchecked")
    public synchronized List<Map<String, Object>> features() {
        if (features == null) {
            List<Map<String, Object>> out = new ArrayList<>(starts.length);
            for (int i = 0; i < starts.length; i++) {
                try (JsonParser p = JsonTree.FACTORY.createParser(upload, starts[i], ends[i] - starts[i])) {
                    out.add((Map<String, Object>) JsonTree.value(p, p.nextToken()));
                } catch (IOException e) {
                    // the whole upload was read without an error before: this cannot happen
                    throw new UncheckedIOException("features[" + i + "] cannot be read again: " + e.getMessage(), e);
                }
            }
            features = Collections.unmodifiableList(out);
        }
        return features;
    }

    public int featureCount() {
        return starts.length;
    }

    public GeoJsonAnalysis analysis() {
        return analysis;
    }

    public String checksum() {
        return analysis.checksum();
    }

    public long sizeBytes() {
        return analysis.sizeBytes();
    }
}
