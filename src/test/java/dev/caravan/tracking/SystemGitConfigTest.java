package dev.caravan.tracking;

import org.eclipse.jgit.util.SystemReader;
import org.junit.jupiter.api.Test;

import java.io.File;

import static org.assertj.core.api.Assertions.assertThat;

class SystemGitConfigTest {

    @Test
    void readsTheFileGitWouldReadByDefault() {
        assertThat(SystemGitConfig.systemConfigFile(null, null, false)).isEqualTo(new File("/etc/gitconfig"));
        assertThat(SystemGitConfig.systemConfigFile("", "/opt/git/etc/gitconfig", false))
                .isEqualTo(new File("/opt/git/etc/gitconfig"));
        assertThat(SystemGitConfig.systemConfigFile("1", "/opt/git/etc/gitconfig", false)).isNull();
        assertThat(SystemGitConfig.systemConfigFile(null, null, true)).isNull();
    }

    @Test
    void openingARepositoryInstallsIt() throws Exception {
        Class.forName(GitRepo.class.getName(), true, GitRepo.class.getClassLoader());
        assertThat(SystemReader.getInstance().getClass().getSuperclass()).isEqualTo(SystemReader.Delegate.class);
        assertThat(((org.eclipse.jgit.storage.file.FileBasedConfig) SystemReader.getInstance().getSystemConfig()).getFile())
                .isEqualTo(SystemGitConfig.systemConfigFile(System.getenv("GIT_CONFIG_NOSYSTEM"),
                        System.getenv("GIT_CONFIG_SYSTEM"), SystemReader.getInstance().isWindows()));
    }
}
