package io.grantwatch.cli;

import io.grantwatch.config.Config;
import io.grantwatch.config.ConfigLoader;
import io.grantwatch.crypto.EncryptionKeys;
import io.grantwatch.crypto.TokenCipher;
import io.grantwatch.db.Database;
import io.grantwatch.tokens.Reencryption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tokens", mixinStandardHelpOptions = true, description = "Stored token maintenance.",
        subcommands = {TokensCommand.Reencrypt.class})
final class TokensCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Main.missingSubcommand(spec);
    }

    @Command(name = "reencrypt", mixinStandardHelpOptions = true,
            description = {"Re-encrypts every stored token under encryption.key, in batches; safe while daemons run.",
                    "Configure the new key as encryption.key and the old ones as encryption.previousKeys first."})
    static final class Reencrypt implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: config/grantwatch.yaml if present)")
        Path config;

        @Option(names = "--batch-size", defaultValue = "500", description = "grants per transaction (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Override
        public Integer call() throws InterruptedException {
            Main.Io io = Main.io(spec);
            Config loaded = ConfigLoader.load(config, io.env());
            TokenCipher cipher = EncryptionKeys.cipherFor(loaded);
            try (Database database = Database.open(loaded)) {
                database.migrate();
                Reencryption reencryption = new Reencryption(database.jdbi(), cipher, batchSize);
                int moved = reencryption.run(50);
                long left = reencryption.remaining();
                io.out().printf("Re-encrypted the tokens of %d grants under key %s; %d left%s.%n", moved,
                        cipher.currentKeyId(), left, left == 0 ? "" : " (held by refreshes in progress: run it again)");
                return left == 0 ? Main.OK : Main.NEGATIVE;
            }
        }
    }
}
