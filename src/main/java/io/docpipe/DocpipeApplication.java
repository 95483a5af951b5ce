package io.docpipe;

import io.docpipe.config.StartupRefusedException;
import io.docpipe.config.StorageMigration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.main.Main;

/**
 * Starts docpipe on camel-main; routes and configuration are found by scanning this package. With the argument
 * {@code migrate-storage} it copies the local document store into the configured bucket instead, and exits.
 */
public final class DocpipeApplication {

    private DocpipeApplication() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "migrate-storage".equals(args[0])) {
            try {
                System.out.println("migrate-storage: " + StorageMigration.run(java.util.Map.of()));
                System.exit(0);
            } catch (StartupRefusedException e) {
                System.err.println("docpipe cannot migrate its storage: " + e.getMessage());
                System.exit(2);
            }
        }
        Path routes = Path.of(System.getenv().getOrDefault("DOCPIPE_ROUTES_DIR", "routes"))
                .toAbsolutePath();
        if (!Files.isDirectory(routes)) {
            stop("no YAML routes directory at " + routes
                    + ": start docpipe from the repository or set DOCPIPE_ROUTES_DIR");
        }
        try {
            new Main(DocpipeApplication.class).run(args);
        } catch (StartupRefusedException e) {
            stop(e.getMessage());
        }
    }

    private static void stop(String reason) {
        System.err.println("docpipe cannot start: " + reason);
        System.exit(2);
    }
}
