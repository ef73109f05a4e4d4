package dev.caravan.nacc;

/** A center left out of a run, and why. */
public record Skip(String center, Reason reason, String detail) {

    /** Why, in the order a plan lists them; {@link #ERROR}s are also a WARNING of their own. */
    public enum Reason {
        INACTIVE("inactive (the NACC gear scheduled inactive centers too)"),
        NOT_INCLUDED("not in include_centers"),
        EXCLUDED("in exclude_centers"),
        EXCLUDED_STUDY("ends with an exclude_studies suffix"),
        RECENT_RUN("a complete run of the gear ended within time_interval"),
        NO_FILES("no acquisition files (batch_mode files)"),
        MISSING_PROJECT("project not found"),
        ERROR("error");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }
}
