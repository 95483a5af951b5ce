package io.docpipe;

import java.nio.file.Files;
import java.nio.file.Path;

import io.docpipe.config.StartupRefusedException;
import org.apache.camel.main.Main;

/** Starts docpipe on camel-main; routes and configuration are found by scanning this package. */
public final class DocpipeApplication {

    private DocpipeApplication() {
    }

    public static void main(String[] args) throws Exception {
        Path routes = Path.of(System.getenv().getOrDefault("DOCPIPE_ROUTES_DIR", "routes")).toAbsolutePath();
        if (!Files.isDirectory(routes)) {
            stop("no YAML routes directory at " + routes + ": start docpipe from the repository or set DOCPIPE_ROUTES_DIR");
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
