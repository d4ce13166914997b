package io.grantwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.cli.Main;
import io.grantwatch.simulator.SimSite;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo as a user starts it, bounded in time: the story is told and the events follow it. */
class DemoTest {

    @Test
    @Timeout(120)
    void theDemoPrintsTheEventsOfItsChangesAndStopsByItself() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Main.Io io = new Main.Io(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true),
                Map.of());

        int code = Main.execute(io, "demo", "--port", "0", "--duration", "PT14S", "--interval", "PT1S", "--step-every", "PT1.5S");

        assertThat(code).as(err.toString()).isZero();
        String printed = out.toString();
        assertThat(printed).contains("API:        http://127.0.0.1:");
        assertThat(printed).contains("[demo] alice loses write:jira-work on Acme", "[demo] bob consents to one more site, Gamma");
        assertThat(printed).contains("alice      site.granted", "bob        site.granted", "carol      site.granted",
                "dave       site.granted");
        assertThat(printed).contains("alice      site.scopes_changed  Acme").contains("-write:jira-work");
        assertThat(printed).contains("bob        site.granted         Gamma");
        assertThat(printed).contains("[demo] carol's access token expires").doesNotContain("carol      grant.token_expired");
        assertThat(printed).contains("dave       grant.revoked");
        assertThat(printed).contains("The demo is over");
        String echo = SimSite.of("Echo").cloudId();
        String wiki = SimSite.of("Beta Wiki").cloudId();
        assertThat(printed).contains("[demo] erin connects through grantwatch").contains("status=connected, newSites=" + echo + " (Echo)");
        assertThat(printed).contains("[demo] erin connects again through grantwatch and picks Beta Wiki: back at the integration with grantId=")
                .contains("newSites=" + wiki + " (Beta Wiki)");
        assertThat(printed).contains("erin       grant.connected");
        assertThat(printed).doesNotContain("sim-at-").doesNotContain("sim-rt-");
    }
}
