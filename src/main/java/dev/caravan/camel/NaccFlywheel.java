package dev.caravan.camel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.flywheel.FlywheelClient;
import dev.caravan.nacc.FlywheelView;

import java.time.Instant;
import java.util.Optional;

/** NACC planning's view of Flywheel, answered through the flywheel backend's REST client. */
public final class NaccFlywheel implements FlywheelView {

    private final FlywheelClient client;

    public NaccFlywheel(FlywheelClient client) {
        this.client = client;
    }

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
    public Optional<Project> project(String group, String label) throws BackendException {
        return client.project(group, label).map(p -> new Project(p.id(), p.group(), p.label(), p.acquisitionFiles(),
                p.files(), p.info()));
    }

    @Override
    public Optional<Gear> latestGear(String name) throws BackendException {
        return client.latestGear(name).map(g -> new Gear(g.id(), g.name(), g.version(), g.created()));
    }
}
