package dev.caravan.backend.wes;

import dev.caravan.emulators.wes.WesEmulator;

import java.util.UUID;

/** The contract on a GA4GH WES 1.1.0 endpoint: multipart submissions, one status call per run. */
class WesGa4ghContractTest extends WesBackendContract {

    @Override
    WesEmulator.Dialect dialect() {
        return WesEmulator.Dialect.GA4GH;
    }

    @Override
    protected String neverIssuedRunId() {
        return UUID.randomUUID().toString();
    }
}
