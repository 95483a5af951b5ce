package io.docpipe;

import org.apache.camel.main.Main;

/** Starts docpipe on camel-main; routes and configuration are found by scanning this package. */
public final class DocpipeApplication {

    private DocpipeApplication() {
    }

    public static void main(String[] args) throws Exception {
        new Main(DocpipeApplication.class).run(args);
    }
}
