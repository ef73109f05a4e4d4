package dev.caravan.batches.geojson;

import java.util.List;
import java.util.Map;

/**
 * An uploaded GeoJSON FeatureCollection as Python's json module reads it, its features (each an
 * object), and WEPPcloud's identity of it: {@code checksum} = sha256 of
 * {@code json.dumps(data, sort_keys=True)} and {@code sizeBytes} = the length of {@code json.dumps(data)}.
 */
public record GeoJsonResource(Map<String, Object> data, List<Map<String, Object>> features, String checksum,
        long sizeBytes) {
}
