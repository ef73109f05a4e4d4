package dev.caravan.camel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessLaunchTest {

    private final String before = System.getProperty(ProcessLaunch.KEY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(ProcessLaunch.KEY);
        } else {
            System.setProperty(ProcessLaunch.KEY, before);
        }
    }

    @Test
    void vforkOnLinuxWithJdk17To21() {
        System.clearProperty(ProcessLaunch.KEY);
        ProcessLaunch.preferVfork();
        int feature = Runtime.version().feature();
        boolean applies = System.getProperty("os.name").equals("Linux") && feature >= 17 && feature <= 21;
        assertThat(System.getProperty(ProcessLaunch.KEY)).isEqualTo(applies ? "VFORK" : null);
    }

    @Test
    void anOperatorsOwnChoiceStays() {
        System.setProperty(ProcessLaunch.KEY, "POSIX_SPAWN");
        ProcessLaunch.preferVfork();
        assertThat(System.getProperty(ProcessLaunch.KEY)).isEqualTo("POSIX_SPAWN");
    }
}
