package dev.caravan.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a flow test: one that runs a whole daemon (Camel Main, the YAML routes, a Git remote, a backend's
 * processes or emulator) rather than one class. {@code mvn -B test} runs every test; {@code -Dgroups='!flow'}
 * runs the unit tests alone (seconds), {@code -Dgroups=flow} the flow tests alone.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("flow")
public @interface FlowTest {
}
