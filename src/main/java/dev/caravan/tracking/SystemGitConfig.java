package dev.caravan.tracking;

import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

import java.io.File;

/**
 * Where JGit finds git's system-wide configuration, without starting git. Left to itself, JGit runs
 * {@code git --version} and {@code git config --system --show-origin --list -z} once per JVM
 * ({@code FS.discoverGitSystemConfig}) to learn the path: two processes in every one-shot command, and a
 * dependency on a git executable Caravan otherwise never needs. The file is read as git reads it by default:
 * {@code GIT_CONFIG_SYSTEM} when set, none when {@code GIT_CONFIG_NOSYSTEM} is set, else {@code /etc/gitconfig}.
 * Installed for the whole process before anything opens a repository (camel-git included, which uses the same
 * {@link SystemReader}).
 */
public final class SystemGitConfig {

    static final String DEFAULT_PATH = "/etc/gitconfig";

    private static boolean installed;

    private SystemGitConfig() {
    }

    /** Idempotent; every path into JGit calls it first. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        SystemReader.setInstance(new SystemReader.Delegate(SystemReader.getInstance()) {
            @Override
            public FileBasedConfig openSystemConfig(Config parent, FS fs) {
                File file = systemConfigFile(getenv("GIT_CONFIG_NOSYSTEM"), getenv("GIT_CONFIG_SYSTEM"), isWindows());
                return file == null ? empty(parent, fs) : new FileBasedConfig(parent, file, fs);
            }
        });
        installed = true;
    }

    /** Null: no system configuration (as git with {@code GIT_CONFIG_NOSYSTEM}, or on Windows, where the path varies). */
    static File systemConfigFile(String noSystem, String explicit, boolean windows) {
        if (noSystem != null && !noSystem.isEmpty()) {
            return null;
        }
        if (explicit != null && !explicit.isEmpty()) {
            return new File(explicit);
        }
        return windows ? null : new File(DEFAULT_PATH);
    }

    private static FileBasedConfig empty(Config parent, FS fs) {
        return new FileBasedConfig(parent, null, fs) {
            @Override
            public void load() {
                // nothing to read
            }

            @Override
            public boolean isOutdated() {
                return false;
            }
        };
    }
}
