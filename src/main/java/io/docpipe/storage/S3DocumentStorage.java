package io.docpipe.storage;

import io.docpipe.db.SafeText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/**
 * Uploaded bytes in an S3-compatible bucket ({@code DOCPIPE_STORAGE=s3}): AWS S3, Supabase Storage, MinIO, R2.
 * The key of a file is {@code S3_PREFIX} + {@link DocumentStorage#pathOf}; its content type is the document's media
 * type, and its metadata say the SHA-256 and the name of the upload that stored it. One kept client (the AWS SDK v2,
 * its pooled HTTP connections shared by every thread) serves the whole instance.
 *
 * <ul>
 * <li>Uploads stream from the HTTP server's temporary file: one PUT up to {@link S3Settings#multipartBytes}, a
 * multipart upload of {@link S3Settings#partBytes} parts above it (each part read from the file when it is sent, so
 * nothing is held whole in memory; a failed multipart upload is aborted).</li>
 * <li>Reads stream the object into a temporary file under the spool directory, removed when the reader is done.</li>
 * <li>Downloads are presigned GET links.</li>
 * </ul>
 * Requests send a checksum only when S3 requires one: S3-compatible stores do not all take the SDK's default
 * trailing checksums.
 */
public class S3DocumentStorage implements DocumentStorage, AutoCloseable {

    /** The longest a health check or start check waits for the bucket. */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    private final S3Settings settings;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final Path spoolDir;

    public S3DocumentStorage(S3Settings settings, Path spoolDir) {
        this.settings = settings;
        this.spoolDir = spoolDir;
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        S3ClientBuilder client = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(64)
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        S3Presigner.Builder signer =
                S3Presigner.builder().region(Region.of(settings.region())).credentialsProvider(credentials);
        if (settings.endpoint() != null) {
            // Supabase Storage and MinIO serve buckets under the endpoint's path, not as host names
            client.endpointOverride(settings.endpoint()).forcePathStyle(true);
            signer.endpointOverride(settings.endpoint())
                    .serviceConfiguration(S3Configuration.builder()
                            .pathStyleAccessEnabled(true)
                            .build());
        }
        this.s3 = client.build();
        this.presigner = signer.build();
    }

    /** The kept client, for anything else that talks to the bucket (camel-aws2-s3 endpoints find it in the registry). */
    public S3Client client() {
        return s3;
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public String location() {
        return settings.location();
    }

    String key(String storagePath) {
        return settings.prefix() + storagePath;
    }

    /** Sends the bytes (the caller knows of no live document that has them: an orphan there is simply replaced). */
    @Override
    public void prepare(Path upload, StoredFile file) {
        put(upload, file, DocumentStorage.pathOf(file.sha256()));
    }

    @Override
    public String keep(Path upload, StoredFile file) {
        String path = DocumentStorage.pathOf(file.sha256());
        // normally there since prepare; a delete of the same bytes may have removed it in between
        if (!exists(path)) {
            put(upload, file, path);
        }
        return path;
    }

    /** Stores a local file under a stored path: one PUT, or a multipart upload above the threshold. */
    public void put(Path source, StoredFile file, String storagePath) {
        long size;
        try {
            size = Files.size(source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read upload " + source, e);
        }
        String key = key(storagePath);
        Map<String, String> metadata = Map.of("sha256", file.sha256(), "filename", encode(file.filename()));
        try {
            if (size <= settings.multipartBytes()) {
                s3.putObject(
                        put -> put.bucket(settings.bucket())
                                .key(key)
                                .contentType(file.mediaType())
                                .contentLength(size)
                                .metadata(metadata),
                        RequestBody.fromFile(source));
            } else {
                putInParts(source, size, key, file.mediaType(), metadata);
            }
        } catch (SdkException e) {
            throw failure(e, storagePath);
        }
    }

    private void putInParts(Path source, long size, String key, String mediaType, Map<String, String> metadata) {
        String uploadId = s3.createMultipartUpload(create -> create.bucket(settings.bucket())
                        .key(key)
                        .contentType(mediaType)
                        .metadata(metadata))
                .uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long partBytes = Math.max(S3Settings.MIN_PART_BYTES, settings.partBytes());
            int number = 1;
            for (long offset = 0; offset < size; offset += partBytes, number++) {
                long length = Math.min(partBytes, size - offset);
                long from = offset;
                int partNumber = number;
                // the part is read from the file each time it is sent (a retry reads it again): never held in memory
                String eTag = s3.uploadPart(
                                part -> part.bucket(settings.bucket())
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(partNumber)
                                        .contentLength(length),
                                RequestBody.fromContentProvider(
                                        () -> FileSlice.open(source, from, length), length, "application/octet-stream"))
                        .eTag();
                parts.add(CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(eTag)
                        .build());
            }
            s3.completeMultipartUpload(complete -> complete.bucket(settings.bucket())
                    .key(key)
                    .uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(
                        abort -> abort.bucket(settings.bucket()).key(key).uploadId(uploadId));
            } catch (RuntimeException ignored) {
                // the bucket's lifecycle rules (or the orphan sweep's next runs) clean up what is left
            }
            throw e;
        }
    }

    @Override
    public LocalCopy copy(String storagePath) {
        Path copy = spoolDir.resolve(UUID.randomUUID() + ".spool");
        try {
            Files.createDirectories(spoolDir);
            s3.getObject(get -> get.bucket(settings.bucket()).key(key(storagePath)), ResponseTransformer.toFile(copy));
        } catch (SdkException e) {
            deleteQuietly(copy);
            throw failure(e, storagePath);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(copy);
            throw e instanceof IOException io
                    ? new UncheckedIOException("cannot spool " + storagePath, io)
                    : (RuntimeException) e;
        }
        return new LocalCopy() {
            @Override
            public Path path() {
                return copy;
            }

            @Override
            public void close() {
                deleteQuietly(copy);
            }
        };
    }

    @Override
    public InputStream open(String storagePath) {
        try {
            ResponseInputStream<GetObjectResponse> stream =
                    s3.getObject(get -> get.bucket(settings.bucket()).key(key(storagePath)));
            return stream;
        } catch (SdkException e) {
            throw failure(e, storagePath);
        }
    }

    @Override
    public Download download(String storagePath, String filename, String mediaType, Duration lifetime) {
        try {
            GetObjectRequest get = GetObjectRequest.builder()
                    .bucket(settings.bucket())
                    .key(key(storagePath))
                    .responseContentType(mediaType)
                    .responseContentDisposition(ContentDisposition.attachment(filename))
                    .build();
            PresignedGetObjectRequest signed = presigner.presignGetObject(
                    presign -> presign.signatureDuration(lifetime).getObjectRequest(get));
            return new Download.Link(signed.url().toString(), signed.expiration());
        } catch (SdkException e) {
            throw failure(e, storagePath);
        }
    }

    @Override
    public boolean exists(String storagePath) {
        try {
            s3.headObject(head -> head.bucket(settings.bucket()).key(key(storagePath)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(code(e))) {
                return false;
            }
            throw failure(e, storagePath);
        } catch (SdkException e) {
            throw failure(e, storagePath);
        }
    }

    @Override
    public void remove(String storagePath) {
        try {
            s3.deleteObject(delete -> delete.bucket(settings.bucket()).key(key(storagePath)));
        } catch (SdkException e) {
            throw failure(e, storagePath);
        }
    }

    @Override
    public void list(Consumer<List<Entry>> page) {
        String documents = key("documents/");
        try {
            for (ListObjectsV2Response response : s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                    .bucket(settings.bucket())
                    .prefix(documents)
                    .build())) {
                List<Entry> entries = new ArrayList<>();
                for (S3Object object : response.contents()) {
                    String path = object.key().substring(settings.prefix().length());
                    if (ContentAddress.ofPath(path) != null) {
                        entries.add(new Entry(path, object.lastModified()));
                    }
                }
                if (!entries.isEmpty()) {
                    page.accept(entries);
                }
            }
        } catch (SdkException e) {
            throw failure(e, null);
        }
    }

    /**
     * Lists at most one key of the bucket, within {@link #CHECK_TIMEOUT}: a GET, so that a refusal carries S3's
     * error code (a HEAD's has no body).
     *
     * @throws StorageUnavailableException saying why the bucket cannot be used
     */
    public void verify() {
        try {
            s3.listObjectsV2(list -> list.bucket(settings.bucket())
                    .prefix(settings.prefix())
                    .maxKeys(1)
                    .overrideConfiguration(call -> call.apiCallTimeout(CHECK_TIMEOUT)));
        } catch (SdkException e) {
            throw failure(e, null);
        }
    }

    @Override
    public Health check() {
        long start = System.nanoTime();
        try {
            verify();
            return new Health(true, null, (System.nanoTime() - start) / 1_000_000);
        } catch (StorageUnavailableException e) {
            return new Health(false, e.getMessage(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * Removes temporary copies older than {@code age} from the spool directory: left by a process that died while
     * reading (younger ones may belong to another instance sharing the data directory).
     */
    public void clearSpool(Duration age) {
        if (!Files.isDirectory(spoolDir)) {
            return;
        }
        java.time.Instant before = java.time.Instant.now().minus(age);
        try (java.util.stream.Stream<Path> files = Files.list(spoolDir)) {
            files.filter(file -> file.getFileName().toString().endsWith(".spool"))
                    .forEach(file -> {
                        try {
                            if (Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
                                Files.deleteIfExists(file);
                            }
                        } catch (IOException ignored) {
                            // gone meanwhile, or not ours to remove
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the spool directory " + spoolDir, e);
        }
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }

    /** What a failed request means, in words for people: never the SDK's stack trace, never a secret. */
    RuntimeException failure(SdkException e, String storagePath) {
        if (e instanceof NoSuchKeyException && storagePath != null) {
            return new StoredFileMissingException(storagePath);
        }
        String bucket = "bucket '" + settings.bucket() + "'";
        if (e instanceof S3Exception s3e) {
            String code = code(s3e);
            int status = s3e.statusCode();
            if ("NoSuchKey".equals(code) && storagePath != null) {
                return new StoredFileMissingException(storagePath);
            }
            String reason;
            boolean credentials = false;
            if ("NoSuchBucket".equals(code) || status == 404 && storagePath == null) {
                reason = "the " + bucket + " does not exist at " + endpointName();
            } else if ("InvalidAccessKeyId".equals(code)) {
                reason = endpointName() + " does not know the access key: check S3_ACCESS_KEY_ID";
                credentials = true;
            } else if ("SignatureDoesNotMatch".equals(code)) {
                reason = endpointName() + " refused the request signature: check S3_SECRET_ACCESS_KEY";
                credentials = true;
            } else if (status == 403) {
                reason = "access to the " + bucket + " was denied (" + (code == null ? "403" : code)
                        + "): check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and the bucket's permissions";
            } else {
                reason = endpointName() + " answered " + status + (code == null ? "" : " " + code) + " for the "
                        + bucket;
            }
            return new StorageUnavailableException(reason, credentials, e);
        }
        if (e instanceof SdkClientException) {
            return new StorageUnavailableException("cannot reach " + endpointName() + ": " + rootCause(e), false, e);
        }
        return new StorageUnavailableException(
                "the " + bucket + " failed: " + SafeText.line(e.getMessage(), 200), false, e);
    }

    private String endpointName() {
        return settings.endpoint() == null
                ? "AWS S3 (" + settings.region() + ")"
                : "the S3 endpoint " + settings.endpoint();
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return SafeText.line(message, 200);
    }

    /** S3 user metadata are ASCII: the name percent-encoded as UTF-8. */
    private static String encode(String filename) {
        return URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover in the spool directory is removed at the next start
        }
    }
}
