package io.docpipe.config;

import io.docpipe.storage.DocumentStorage;
import io.docpipe.storage.LocalDocumentStorage;
import io.docpipe.storage.S3DocumentStorage;
import io.docpipe.storage.S3Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The document store {@code DOCPIPE_STORAGE} names: {@code local} (the data directory) or {@code s3} (a bucket, set
 * by the {@code S3_*} variables). A missing or malformed setting stops the start with one line naming it.
 */
public final class StorageSettings {

    private StorageSettings() {}

    public static DocumentStorage open(Settings settings) {
        Path dataDir = settings.path("docpipe.data-dir");
        String kind = settings.string("docpipe.storage");
        return switch (kind) {
            case "local", "" -> new LocalDocumentStorage(dataDir);
            case "s3" -> new S3DocumentStorage(s3(settings), dataDir.resolve("spool"));
            default -> throw new StartupRefusedException("DOCPIPE_STORAGE must be local or s3, was '" + kind + "'");
        };
    }

    static S3Settings s3(Settings settings) {
        String endpoint = settings.string("docpipe.storage.s3.endpoint");
        URI endpointUri = null;
        if (!endpoint.isEmpty()) {
            try {
                endpointUri = new URI(endpoint.replaceAll("/+$", ""));
            } catch (URISyntaxException e) {
                endpointUri = null;
            }
            if (endpointUri == null
                    || endpointUri.getHost() == null
                    || !("http".equals(endpointUri.getScheme()) || "https".equals(endpointUri.getScheme()))) {
                throw new StartupRefusedException("S3_ENDPOINT must be an http(s) URL such as"
                        + " https://<project>.supabase.co/storage/v1/s3 (or unset for AWS), was '" + endpoint + "'");
            }
        }
        long multipartBytes = settings.number("docpipe.storage.s3.multipart-threshold-bytes");
        long partBytes = settings.number("docpipe.storage.s3.part-size-bytes");
        if (partBytes < S3Settings.MIN_PART_BYTES) {
            throw new StartupRefusedException("docpipe.storage.s3.part-size-bytes must be at least "
                    + S3Settings.MIN_PART_BYTES + " (S3's smallest part), was " + partBytes);
        }
        return new S3Settings(
                endpointUri,
                required(settings, "docpipe.storage.s3.region", "S3_REGION"),
                required(settings, "docpipe.storage.s3.bucket", "S3_BUCKET"),
                S3Settings.normalisedPrefix(settings.string("docpipe.storage.s3.prefix")),
                required(settings, "docpipe.storage.s3.access-key-id", "S3_ACCESS_KEY_ID"),
                required(settings, "docpipe.storage.s3.secret-access-key", "S3_SECRET_ACCESS_KEY"),
                multipartBytes,
                partBytes);
    }

    private static String required(Settings settings, String key, String variable) {
        String value = settings.string(key);
        if (value.isEmpty()) {
            throw new StartupRefusedException(
                    variable + " is required when DOCPIPE_STORAGE is s3 (set it, or use" + " DOCPIPE_STORAGE=local)");
        }
        return value;
    }
}
