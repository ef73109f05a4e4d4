package dev.caravan.nacc;

/**
 * One entry of {@code info.centers} in the admin group's {@code metadata} project.
 *
 * @param key    the entry's key in the map (the ADCID, as text)
 * @param group  the center's Flywheel group id ({@code group}, {@code center_id} or {@code center-id})
 * @param active {@code active}, {@code is-active} or {@code is_active}; true when absent, as in the gear
 */
public record Center(String key, String name, String group, boolean active) {
}
