package dev.stylize.client;

import dev.stylize.imaging.ImageFormat;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobRequest.ObjectRef;
import dev.stylize.job.StylizeException;
import dev.stylize.storage.ObjectStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns an input argument into an object reference: {@code s3://bucket/key} as is, a local file uploaded to
 * {@code bucket} under its {@link ContentKey} unless an object is already there (one HEAD, then PUT only
 * when missing).
 */
public final class InputUploader {
    static final String S3_SCHEME = "s3://";

    private final ObjectStore store;
    private final String bucket;
    private final String prefix;
    private final PrintWriter log;

    public InputUploader(ObjectStore store, String bucket, String prefix, PrintWriter log) {
        this.store = store;
        this.bucket = bucket;
        this.prefix = prefix;
        this.log = log;
    }

    public ObjectRef resolve(String arg) throws IOException {
        if (arg.startsWith(S3_SCHEME)) {
            return parseS3(arg);
        }
        Path file = Path.of(arg);
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StylizeException(ErrorCode.INVALID_REQUEST, "no such file: " + file);
        }
        String key = ContentKey.of(prefix, data);
        if (store.stat(bucket, key).isPresent()) {
            log.println("input " + file + " already in s3://" + bucket + "/" + key);
        } else {
            String contentType = ImageFormat.detect(data).map(ImageFormat::contentType)
                    .orElse("application/octet-stream");
            store.put(bucket, key, data, contentType, Map.of());
            log.println("uploaded " + file + " to s3://" + bucket + "/" + key);
        }
        return new ObjectRef(bucket, key);
    }

    static ObjectRef parseS3(String arg) {
        String rest = arg.substring(S3_SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 1 || slash == rest.length() - 1) {
            throw new StylizeException(ErrorCode.INVALID_REQUEST, "expected s3://bucket/key, got " + arg);
        }
        return new ObjectRef(rest.substring(0, slash), rest.substring(slash + 1));
    }
}
