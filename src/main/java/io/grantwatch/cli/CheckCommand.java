package io.grantwatch.cli;

import io.grantwatch.client.DaemonClient;
import io.grantwatch.client.JsonText;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"The preflight: may the integration call this site with these scopes? Answers from the grant's "
                + "latest state, without calling Atlassian. Exit code 0 when allowed, 1 when not."},
        footer = {"%nExample:%n  grantwatch check 3 --cloud-id 1324a887-45db-1bf4-1e99-ef0ff456d421 --scope write:jira-work"})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions daemon;

    @Parameters(paramLabel = "GRANT", description = "the grant's id")
    long id;

    @Option(names = "--cloud-id", paramLabel = "ID", required = true, description = "the site's cloudId")
    String cloudId;

    @Option(names = "--scope", paramLabel = "SCOPE", description = "a scope the call needs (repeatable)")
    List<String> scopes = List.of();

    @Override
    public Integer call() {
        Main.Io io = Main.io(spec);
        StringBuilder path = new StringBuilder("/v1/grants/").append(id).append("/access?cloudId=").append(DaemonClient.encode(cloudId));
        scopes.forEach(scope -> path.append("&scope=").append(DaemonClient.encode(scope)));
        JsonNode answer = daemon.client(io.env()).get(path.toString());
        boolean allowed = answer.path("allowed").asBoolean();
        if (daemon.json) {
            Output.json(io.out(), answer);
        } else {
            String stale = answer.path("stale").asBoolean() ? " (from the last known state: the grant is "
                    + JsonText.text(answer, "status") + ")" : "";
            String missing = answer.path("missingScopes").isEmpty() ? "" : "; missing: " + JsonText.scopes(answer.path("missingScopes"));
            io.out().println((allowed ? "allowed" : "refused: " + JsonText.text(answer, "reason")) + missing + stale
                    + "; as of " + JsonText.text(answer, "checkedAt"));
        }
        return allowed ? Main.OK : Main.NEGATIVE;
    }
}
