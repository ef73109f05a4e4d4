package dev.caravan.nacc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.backend.BackendException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What planning asks of Flywheel, in this package's own shapes; an adapter answers through the backend's client. */
public interface FlywheelView {

    /** A gear version as {@code GET /api/gears} lists it. */
    record Gear(String id, String name, String version, Optional<Instant> created) {
    }

    /**
     * A project: {@code acquisitionFiles} is {@code stats.number_of.acquisition_files}, {@code files} the names of the
     * files attached to the project itself.
     */
    record Project(String id, String group, String label, long acquisitionFiles, List<String> files, JsonNode info) {

        public String path() {
            return group + "/" + label;
        }
    }

    /** {@code info} of {@code <adminGroup>/metadata}; empty when there is no such project. */
    Optional<JsonNode> metadataInfo(String adminGroup) throws BackendException;

    /** When the most recently created {@code complete} job of the gear in the group ended. */
    Optional<Instant> lastCompleted(String group, String gearName) throws BackendException;

    Optional<Project> project(String group, String label) throws BackendException;

    Optional<Gear> latestGear(String name) throws BackendException;
}
