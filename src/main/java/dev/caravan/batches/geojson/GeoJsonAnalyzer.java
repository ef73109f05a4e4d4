package dev.caravan.batches.geojson;

import dev.caravan.batches.python.Py;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WEPPcloud's analysis of a FeatureCollection (watershed_collection's _analyze_geojson): its parts, which
 * {@link GeoJsonScan} applies to each feature as it reads the upload.
 */
public final class GeoJsonAnalyzer {

    public static final int SAMPLES = 5;
    private static final Pattern EPSG = Pattern.compile("EPSG[:/](\\d+)",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    private GeoJsonAnalyzer() {
    }

    /** The analysis, made while the upload was read (see {@link GeoJsonScan}). */
    public static GeoJsonAnalysis analyze(GeoJsonResource resource) {
        return resource.analysis();
    }

    /**
     * Widens box [minx, miny, maxx, maxy] by every coordinate pair of a geometry; true when there was one.
     */
    static boolean addGeometry(Object geometry, double[] box) {
        boolean[] any = {false};
        geometry(geometry, box, any);
        return any[0];
    }

    /** A geometry's coordinates; a GeometryCollection's member geometries too (WEPPcloud skips those). */
    private static void geometry(Object geometry, double[] box, boolean[] any) {
        if (!(geometry instanceof Map<?, ?> g)) {
            return;
        }
        coordinates(g.get("coordinates"), box, any);
        if (g.get("geometries") instanceof List<?> members) {
            for (Object member : members) {
                geometry(member, box, any);
            }
        }
    }

    /** A list whose first item is a list is walked; one whose first two items are numbers is a point. */
    private static void coordinates(Object node, double[] box, boolean[] any) {
        if (!(node instanceof List<?> list) || list.isEmpty()) {
            return;
        }
        if (list.get(0) instanceof List) {
            for (Object child : list) {
                coordinates(child, box, any);
            }
        } else if (list.size() >= 2 && isNumber(list.get(0)) && isNumber(list.get(1))) {
            double x = number(list.get(0));
            double y = number(list.get(1));
            box[0] = Math.min(box[0], x);
            box[1] = Math.min(box[1], y);
            box[2] = Math.max(box[2], x);
            box[3] = Math.max(box[3], y);
            any[0] = true;
        }
    }

    /** Python's isinstance(v, (int, float)): booleans count, as ints. */
    private static boolean isNumber(Object v) {
        return v instanceof Number || v instanceof Boolean;
    }

    private static double number(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    /** "EPSG:n" and "declared" from crs.name or crs.properties.name, else "EPSG:4326" and "default". */
    static String[] epsg(Map<String, Object> data) {
        if (data.get("crs") instanceof Map<?, ?> crs) {
            Object name = crs.get("name");
            if (!Py.truthy(name) && crs.get("properties") instanceof Map<?, ?> props) {
                name = props.get("name");
            }
            if (name instanceof String s) {
                Matcher m = EPSG.matcher(s);
                if (m.find()) {
                    return new String[] {"EPSG:" + m.group(1), "declared"};
                }
            }
        }
        return new String[] {"EPSG:4326", "default"};
    }

    /**
     * Each key's type over these objects (a feature's properties, a row), in the order keys first appear: one of
     * WEPPcloud's type names, or {@code mixed} when the objects differ.
     */
    public static Map<String, String> attributeSchema(List<? extends Map<?, ?>> objects) {
        Map<String, String> schema = new LinkedHashMap<>();
        for (Map<?, ?> props : objects) {
            addSchema(schema, props);
        }
        return schema;
    }

    /** Adds one object's keys and their types to a schema. */
    static void addSchema(Map<String, String> schema, Map<?, ?> props) {
        for (Map.Entry<?, ?> e : props.entrySet()) {
            String type = typeOf(e.getValue());
            schema.merge((String) e.getKey(), type, (old, now) -> old.equals(now) ? old : "mixed");
        }
    }

    /** WEPPcloud's names for the Python types JSON values have. */
    private static final Map<String, String> SCHEMA_TYPES = Map.of("NoneType", "null", "bool", "boolean", "int",
            "integer", "float", "number", "str", "string", "list", "array", "dict", "object");

    static String typeOf(Object v) {
        return SCHEMA_TYPES.getOrDefault(Py.typeName(v), "unknown");
    }
}
