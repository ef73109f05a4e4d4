package dev.caravan.tracking;

import java.util.List;

/** What bringing in the admin branch did. */
public record MergeOutcome(Kind kind, String detail, List<String> conflicts) {

    public enum Kind {
        /** No remote configured: nothing to bring in. */
        LOCAL_ONLY,
        /** The admin branch has nothing new. */
        UP_TO_DATE,
        /** The admin branch has not yet taken in the last scheduler commit: wait, as ICGC's rule says. */
        WAITING,
        MERGED,
        /** Nothing was changed; an operator must reconcile the branches. */
        CONFLICT
    }

    public static MergeOutcome of(Kind kind, String detail) {
        return new MergeOutcome(kind, detail, List.of());
    }

    public boolean changedTree() {
        return kind == Kind.MERGED;
    }
}
