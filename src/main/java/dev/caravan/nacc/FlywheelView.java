package dev.caravan.nacc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.flywheel.FlywheelClient;

import java.time.Instant;
import java.util.Optional;

/** What planning asks of Flywheel; {@link #of(FlywheelClient)} answers through the REST client. */
public interface FlywheelView {

    /** {@code info} of {@code <adminGroup>/metadata}; empty when there is no such project. */
    Optional<JsonNode> metadataInfo(String adminGroup) throws BackendException;

    /** When the most recently created {@code complete} job of the gear in the group ended. */
    Optional<Instant> lastCompleted(String group, String gearName) throws BackendException;

    Optional<FlywheelClient.Project> project(String group, String label) throws BackendException;

    Optional<FlywheelClient.Gear> latestGear(String name) throws BackendException;

    static FlywheelView of(FlywheelClient client) {
        return new FlywheelView() {
            @Override
            public Optional<JsonNode> metadataInfo(String adminGroup) throws BackendException {
                return client.project(adminGroup, "metadata").map(FlywheelClient.Project::info);
            }

            @Override
            public Optional<Instant> lastCompleted(String group, String gearName) throws BackendException {
                // the gear's own search: parents.group=<center>,state=complete,gear_info.name=<gear>, created:desc
                return client.findJobs("parents.group=" + group + ",state=complete,gear_info.name=" + gearName,
                        "created:desc", 1).stream().findFirst().map(j -> j.completedAt().or(j::created).orElse(Instant.EPOCH));
            }

            @Override
            public Optional<FlywheelClient.Project> project(String group, String label) throws BackendException {
                return client.project(group, label);
            }

            @Override
            public Optional<FlywheelClient.Gear> latestGear(String name) throws BackendException {
                return client.latestGear(name);
            }
        };
    }
}
