package dev.stylize.storage;

import java.util.Map;

/**
 * What {@link ObjectStore#stat} tells about an object.
 *
 * @param userMetadata the {@code x-amz-meta-*} headers, names without the prefix, lower case
 */
public record ObjectInfo(String bucket, String key, long size, String contentType, String etag,
        Map<String, String> userMetadata) {
    public ObjectInfo {
        userMetadata = Map.copyOf(userMetadata);
    }
}
