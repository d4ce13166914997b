package io.grantwatch.cli;

import io.grantwatch.client.DaemonClient;
import io.grantwatch.config.ConfigException;
import io.grantwatch.db.DatabaseUnavailableException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line. Exit codes, for scripts: 0 ok, 1 a negative answer (a refused preflight, an
 * unknown grant), 2 usage (bad options, bad configuration), 3 the daemon or the database cannot be
 * reached.
 */
@Command(name = "grantwatch", mixinStandardHelpOptions = true, version = "grantwatch 0.1.0",
        description = "Watches what Atlassian OAuth 2.0 (3LO) grants can reach, and says when it changes.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:a negative answer (a refused preflight, an unknown grant)", "2:usage or configuration error",
                "3:the daemon or the database cannot be reached"},
        subcommands = {RunCommand.class, DemoCommand.class, GrantsCommand.class, HistoryCommand.class,
                EventsCommand.class, AuditCommand.class, CheckCommand.class, DbCommand.class, TokensCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int NEGATIVE = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    /** Where commands read and write, and the environment they see; tests give their own. */
    public record Io(InputStream in, PrintWriter out, PrintWriter err, Map<String, String> env) {
        static Io system() {
            return new Io(System.in, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                    new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.getenv());
        }
    }

    private final Io io;

    @Spec
    CommandSpec spec;

    private Main(Io io) {
        this.io = io;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return execute(Io.system(), args);
    }

    public static int execute(Io io, String... args) {
        CommandLine commandLine = new CommandLine(new Main(io));
        commandLine.setOut(io.out());
        commandLine.setErr(io.err());
        // picocli answers usage errors with 2 already; the exit codes are set here so that nobody has to know that.
        commandLine.setParameterExceptionHandler((e, argv) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("grantwatch: " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, failed.getErr())) {
                failed.getErr().println("See '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            }
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("grantwatch: " + message(e));
            return exitCode(e);
        });
        int code = commandLine.execute(args);
        io.out().flush();
        io.err().flush();
        return code;
    }

    /** Unknown ids and conflicts are answers (1); bad input and a wrong API key are usage (2); a failing daemon is 3. */
    static int exitCode(int httpStatus) {
        if (httpStatus == 404 || httpStatus == 409) {
            return NEGATIVE;
        }
        return httpStatus >= 500 ? UNREACHABLE : USAGE;
    }

    static int exitCode(Exception e) {
        return switch (e) {
            case ConfigException ignored -> USAGE;
            case DaemonClient.RefusedException refused -> exitCode(refused.status());
            case DatabaseUnavailableException ignored -> UNREACHABLE;
            case DaemonClient.UnreachableException ignored -> UNREACHABLE;
            default -> 1;
        };
    }

    private static String message(Exception e) {
        return switch (e) {
            case ConfigException config -> "configuration error: " + config.getMessage();
            case DaemonClient.RefusedException refused -> refused.getMessage();
            case DatabaseUnavailableException database -> database.getMessage();
            case DaemonClient.UnreachableException unreachable -> unreachable.getMessage();
            // Not the exception's message: it might hold anything, a token included.
            default -> "failed unexpectedly (" + e.getClass().getSimpleName() + "); run with GRANTWATCH_LOG_LEVEL=DEBUG for details";
        };
    }

    /** A command that only groups others was called alone: that is a usage error. */
    static void missingSubcommand(CommandSpec spec) {
        throw new ParameterException(spec.commandLine(), "a command is needed: one of " + String.join(", ", spec.subcommands().keySet()));
    }

    Io io() {
        return io;
    }

    /** The {@link Io} of the command line that runs {@code spec}. */
    static Io io(CommandSpec spec) {
        return ((Main) spec.root().userObject()).io();
    }

    @Override
    public void run() {
        missingSubcommand(spec);
    }
}
