package io.grantwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.client.JsonText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Begins the consent flow (POST /v1/connect) and prints the authorization URL: open it in the "
                + "user's browser. After the consent the browser lands on the return URL with grantId, status and "
                + "newSites. The daemon needs atlassian.clientId, clientSecret and redirectUri."},
        footer = {"%nExample:%n  grantwatch connect --return-url https://app.example.com/connected --external-id user-42"})
final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions daemon;

    @Option(names = "--return-url", paramLabel = "URL", required = true,
            description = "where the browser goes at the end: an absolute http(s) URL")
    String returnUrl;

    @Option(names = "--external-id", paramLabel = "ID", description = "your id for the user")
    String externalId;

    @Option(names = "--label", paramLabel = "TEXT", description = "a name for the grant")
    String label;

    @Option(names = "--scope", paramLabel = "SCOPE",
            description = "a scope to ask for instead of atlassian.scopes (repeatable); offline_access is always added")
    List<String> scopes = List.of();

    @Option(names = "--grant", paramLabel = "GRANT", description = "the grant to renew")
    Long grantId;

    @Override
    public Integer call() {
        Main.Io io = Main.io(spec);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("returnUrl", returnUrl);
        body.put("externalId", externalId);
        body.put("label", label);
        body.put("scopes", scopes.isEmpty() ? null : scopes);
        body.put("grantId", grantId);
        JsonNode started = daemon.client(io.env()).post("/v1/connect", body);
        if (daemon.json) {
            Output.json(io.out(), started);
        } else {
            io.out().println(JsonText.text(started, "authorizeUrl"));
            io.err().println("Open this URL in the user's browser before " + JsonText.text(started, "expiresAt")
                    + "; it works once.");
        }
        return Main.OK;
    }
}
