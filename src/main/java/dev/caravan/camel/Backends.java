package dev.caravan.camel;

import dev.caravan.backend.BackendFactory;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every backend kind on the class path, by the name used in {@code caravan.env.<name>.backend}. */
public final class Backends {

    private Backends() {
    }

    public static Map<String, BackendFactory> factories() {
        Map<String, BackendFactory> out = new TreeMap<>();
        for (BackendFactory f : ServiceLoader.load(BackendFactory.class)) {
            out.put(f.kind(), f);
        }
        return out;
    }
}
