package dev.caravan.batches.geojson;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * What an upload is shown back as, WEPPcloud's analysis: {@code feature_count}, {@code bbox} [minx, miny,
 * maxx, maxy] (null when no feature has coordinates), {@code epsg} and {@code epsg_source} ("declared" or
 * "default"), the sorted {@code properties}, {@code attribute_schema} (null, boolean, integer, number,
 * string, array, object, or mixed), the first 5 {@code sample_properties}, {@code checksum},
 * {@code size_bytes}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GeoJsonAnalysis(int featureCount, List<Double> bbox, String epsg, String epsgSource,
        List<String> properties, Map<String, String> attributeSchema, List<Sample> sampleProperties, String checksum,
        long sizeBytes) {

    /** One feature's properties (an empty object when it has none). */
    public record Sample(int index, Map<String, Object> properties) {
    }
}
