package dev.caravan.backend.wes;

import dev.caravan.emulators.wes.WesEmulator;

/** The contract on an ICGC-ARGO RDPC: JSON submissions, run states from one GraphQL request. */
class WesArgoContractTest extends WesBackendContract {

    @Override
    WesEmulator.Dialect dialect() {
        return WesEmulator.Dialect.ARGO;
    }

    @Override
    protected String neverIssuedRunId() {
        return "wes-" + WesFixture.random() + WesFixture.random();
    }
}
