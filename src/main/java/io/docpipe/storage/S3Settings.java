package io.docpipe.storage;

import java.net.URI;

/**
 * Where the bucket is and how to sign for it ({@code S3_*}).
 *
 * @param endpoint        an S3-compatible endpoint (Supabase Storage, MinIO, R2), or null for AWS itself; with an
 *                        endpoint, buckets are addressed by path ({@code <endpoint>/<bucket>/<key>})
 * @param prefix          put before every key: blank, or ending in {@code /}
 * @param multipartBytes  uploads larger than this are sent as a multipart upload
 * @param partBytes       the size of each part but the last (S3 wants at least 5 MiB)
 */
public record S3Settings(
        URI endpoint,
        String region,
        String bucket,
        String prefix,
        String accessKeyId,
        String secretAccessKey,
        long multipartBytes,
        long partBytes) {

    /** The smallest part S3 takes (every part of a multipart upload but the last). */
    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;

    /** A prefix as a key prefix: no leading slash, one trailing slash unless blank. */
    public static String normalisedPrefix(String prefix) {
        String trimmed =
                prefix == null ? "" : prefix.strip().replaceAll("^/+", "").replaceAll("/+$", "");
        return trimmed.isEmpty() ? "" : trimmed + "/";
    }

    /** {@code s3://bucket/prefix}, for logs and health. */
    public String location() {
        return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
    }

    @Override
    public String toString() {
        // never the secret, not even by accident in a log line
        return "S3Settings[" + location() + ", region " + region + "]";
    }
}
