package dev.caravan.camel;

import dev.caravan.tracking.GitRepo;
import org.eclipse.jgit.transport.PushResult;

/** The {@code pushResults} bean of routes/git.camel.yaml: camel-git's push answer, read by the tracking repo's rules. */
public final class PushResults {

    /** A refused update becomes a {@link dev.caravan.tracking.PushRejectedException}, which the route catches. */
    public void check(Iterable<PushResult> results) {
        GitRepo.checkPushResults(results);
    }
}
