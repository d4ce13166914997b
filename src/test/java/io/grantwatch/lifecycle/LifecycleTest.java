package io.grantwatch.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> calls = new ArrayList<>();
    private final Lifecycle lifecycle = new Lifecycle();

    private Managed recording(String name, boolean startFails, boolean stopFails) {
        return new Managed() {
            @Override
            public void start() {
                calls.add("start " + name);
                if (startFails) {
                    throw new IllegalStateException(name + " cannot start");
                }
            }

            @Override
            public void stop() {
                calls.add("stop " + name);
                if (stopFails) {
                    throw new IllegalStateException(name + " cannot stop");
                }
            }
        };
    }

    @Test
    void startsInOrderAndStopsInReverseOnce() {
        lifecycle.manage("a", "a", recording("a", false, false));
        lifecycle.manage("b", "b", recording("b", false, false));
        lifecycle.start();
        lifecycle.close();
        lifecycle.close();
        assertThat(calls).containsExactly("start a", "start b", "stop b", "stop a");
    }

    @Test
    void everyStopIsAttemptedAndTheFirstFailureIsThrownWithTheOthersSuppressed() {
        lifecycle.manage("a", "a", recording("a", false, true));
        lifecycle.manage("b", "b", recording("b", false, false));
        lifecycle.manage("c", "c", recording("c", false, true));
        lifecycle.start();
        assertThatThrownBy(lifecycle::close)
                .hasMessage("c cannot stop")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("a cannot stop"));
        assertThat(calls).endsWith("stop c", "stop b", "stop a");
    }

    @Test
    void aFailedStartStopsEverythingInReverseBeforeItIsRethrown() {
        lifecycle.manage("a", "a", recording("a", false, true));
        lifecycle.manage("b", "b", recording("b", true, false));
        lifecycle.manage("c", "c", recording("c", false, false));
        assertThatThrownBy(lifecycle::start)
                .hasMessage("b cannot start")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("a cannot stop"));
        // c was built, so it may hold resources already: it is stopped although it never started.
        assertThat(calls).containsExactly("start a", "start b", "stop c", "stop b", "stop a");
        lifecycle.close();
        assertThat(calls).hasSize(5);
    }

    @Test
    void aComponentBuiltAfterTheStopIsStoppedAtOnce() {
        lifecycle.close();
        assertThatThrownBy(() -> lifecycle.manage("late", "late", recording("late", false, false)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(calls).containsExactly("stop late");
    }
}
