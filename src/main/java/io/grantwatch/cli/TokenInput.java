package io.grantwatch.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Reads tokens from a file or standard input, and never repeats one in a message. */
final class TokenInput {
    private static final int MAX_LENGTH = 16 * 1024;

    private TokenInput() {}

    /** {@code file} "-" is standard input; on a terminal the token is asked for without echo. */
    static String fromFile(CommandSpec spec, Path file, Main.Io io, String what) {
        String text;
        try {
            if (file.toString().equals("-")) {
                Console console = System.console();
                if (io.in() == System.in && isTerminal(console)) {
                    char[] typed = console.readPassword("%s (not shown): ", what);
                    text = typed == null ? "" : new String(typed);
                } else {
                    text = new String(io.in().readNBytes(MAX_LENGTH + 1), StandardCharsets.UTF_8);
                }
            } else {
                text = Files.readString(file, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + what + " from " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        return check(spec, text.strip(), what);
    }

    /**
     * On Java 21 a console exists only on a terminal; from Java 22 on it may exist anyway, and
     * {@code isTerminal} (not in Java 21's API, hence reflection) tells.
     */
    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    static String check(CommandSpec spec, String token, String what) {
        if (token.isEmpty()) {
            throw new ParameterException(spec.commandLine(), what + " is empty");
        }
        if (token.length() > MAX_LENGTH || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new ParameterException(spec.commandLine(), what + " does not look like a token (one line of "
                    + "printable characters, at most " + MAX_LENGTH + ")");
        }
        return token;
    }
}
