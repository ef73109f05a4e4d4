package dev.caravan.backend.awsbatch;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether outputs ({@code s3://bucket/dir/name}) exist. Each folder ({@code bucket} + {@code dir/}) is listed once
 * with ListObjectsV2 (delimiter {@code /}, every page) and kept for a while; an output exists when its whole key is
 * in the listing. (aws-batch-helpers listed the prefix without the trailing slash and compared file names only, so
 * {@code out/S1/x.bam} was "found" in {@code out/S10/x.bam}.)
 */
public final class S3Outputs {

    /** An S3 URI taken apart. */
    public record Uri(String bucket, String key) {

        public String dir() {
            int slash = key.lastIndexOf('/');
            return slash < 0 ? "" : key.substring(0, slash + 1);
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + key;
        }
    }

    private record Listing(Set<String> keys, Instant at) {
    }

    private final S3Client s3;
    private final Duration ttl;
    private final Clock clock;
    private final AtomicLong listCalls;
    private final Map<String, Listing> cache = new ConcurrentHashMap<>();

    public S3Outputs(S3Client s3, Duration ttl, Clock clock, AtomicLong listCalls) {
        this.s3 = s3;
        this.ttl = ttl;
        this.clock = clock;
        this.listCalls = listCalls;
    }

    /** Parses {@code s3://bucket/key}; the message says what is wrong. */
    public static Uri parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw new IllegalArgumentException("'" + uri + "' is not an s3:// URI");
        }
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("'" + uri + "' needs a bucket and a key (s3://bucket/path/file)");
        }
        if (rest.endsWith("/")) {
            throw new IllegalArgumentException("'" + uri + "' ends with '/': an output is a file, not a folder");
        }
        return new Uri(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /**
     * The outputs that do not exist, in the given order.
     *
     * @param listedSince listings older than this are made again (a job has just succeeded: its folder changed);
     *                    null: the cache's time-to-live decides
     */
    public List<String> missing(List<String> uris, Instant listedSince) {
        List<String> out = new ArrayList<>();
        for (String u : uris) {
            Uri p = parse(u);
            if (!listing(p.bucket(), p.dir(), listedSince).contains(p.key())) {
                out.add(u);
            }
        }
        return out;
    }

    /** Forget everything: the next question lists again. */
    public void clear() {
        cache.clear();
    }

    private Set<String> listing(String bucket, String dir, Instant listedSince) {
        String k = bucket + "/" + dir;
        Instant now = clock.instant();
        Listing l = cache.get(k);
        boolean stale = l == null || l.at().plus(ttl).isBefore(now) || (listedSince != null && l.at().isBefore(listedSince));
        if (!stale) {
            return l.keys();
        }
        Set<String> keys = new HashSet<>();
        String token = null;
        try {
            do {
                ListObjectsV2Request.Builder b = ListObjectsV2Request.builder().bucket(bucket).prefix(dir).delimiter("/");
                if (token != null) {
                    b.continuationToken(token);
                }
                listCalls.incrementAndGet();
                ListObjectsV2Response r = s3.listObjectsV2(b.build());
                for (S3Object o : r.contents()) {
                    keys.add(o.key());
                }
                for (CommonPrefix ignored : r.commonPrefixes()) {
                    // sub-folders are not outputs
                }
                token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
            } while (token != null);
        } catch (NoSuchBucketException e) {
            // no bucket: nothing exists in it (the job will make it, or fail saying so)
        }
        cache.put(k, new Listing(Set.copyOf(keys), now));
        return keys;
    }
}
