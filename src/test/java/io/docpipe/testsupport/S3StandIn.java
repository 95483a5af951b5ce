package io.docpipe.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * A real S3 server for tests: S3Proxy (the S3 API over HTTP, signatures V2 and V4 and presigned links' expiry
 * checked) in front of jclouds' in-memory blob store. docpipe reaches it through an endpoint, so it addresses the
 * bucket by path as it does Supabase Storage's and MinIO's. It can be stopped and started again on the same port and
 * blobs, as a bucket that goes away and comes back.
 */
public final class S3StandIn implements AutoCloseable {

    public static final String ACCESS_KEY_ID = "docpipe-test-access-key";
    public static final String SECRET_ACCESS_KEY = "docpipe-test-secret-0123456789";
    public static final String REGION = "us-east-1";

    private final BlobStoreContext context;
    private final BlobStore blobs;
    private final String bucket;
    private final int port;
    private S3Proxy proxy;

    private S3StandIn(BlobStoreContext context, String bucket, int port) {
        this.context = context;
        this.blobs = context.getBlobStore();
        this.bucket = bucket;
        this.port = port;
    }

    /** A server with one empty bucket. */
    public static S3StandIn start(String bucket) {
        Properties properties = new Properties();
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .overrides(properties)
                .build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, bucket);
        try {
            S3StandIn standIn = new S3StandIn(context, bucket, RunningDocpipe.freePort());
            standIn.startServer();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts (again) serving the same blobs on the same port. */
    public void startServer() {
        proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(proxy.getState()));
    }

    /** The bucket goes away: nothing listens on its port until {@link #startServer()}. */
    public void stopServer() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String bucket() {
        return bucket;
    }

    /** Properties pointing docpipe at this bucket. */
    public Map<String, String> properties(String prefix) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("docpipe.storage", "s3");
        properties.put("docpipe.storage.s3.endpoint", endpoint());
        properties.put("docpipe.storage.s3.region", REGION);
        properties.put("docpipe.storage.s3.bucket", bucket);
        properties.put("docpipe.storage.s3.prefix", prefix);
        properties.put("docpipe.storage.s3.access-key-id", ACCESS_KEY_ID);
        properties.put("docpipe.storage.s3.secret-access-key", SECRET_ACCESS_KEY);
        return properties;
    }

    /** The keys in the bucket. */
    public List<String> keys() {
        return blobs.list(bucket, ListContainerOptions.Builder.recursive()).stream()
                .map(StorageMetadata::getName)
                .toList();
    }

    public byte[] bytes(String key) {
        Blob blob = blobs.getBlob(bucket, key);
        if (blob == null) {
            return null;
        }
        try (InputStream in = blob.getPayload().openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object's ETag, quoted as S3 answers it. */
    public String etag(String key) {
        String etag = blobs.blobMetadata(bucket, key).getETag();
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    /** The object's user metadata and content type. */
    public Map<String, String> metadata(String key) {
        Blob blob = blobs.getBlob(bucket, key);
        Map<String, String> metadata = new LinkedHashMap<>(blob.getMetadata().getUserMetadata());
        metadata.put("content-type", blob.getMetadata().getContentMetadata().getContentType());
        return metadata;
    }

    @Override
    public void close() {
        try {
            stopServer();
        } finally {
            context.close();
        }
    }
}
