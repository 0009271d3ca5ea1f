package dev.stylize.job;

import java.util.Objects;

/** The model set a job ran on: its id (directory or release name) and the sha256 of its manifest.json. */
public record ModelInfo(String id, String manifestSha256) {
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(manifestSha256, "manifestSha256");
        if (!OutputInfo.SHA256.matcher(manifestSha256).matches()) {
            throw new IllegalArgumentException("manifestSha256 must be 64 lowercase hex digits, got '"
                    + ErrorInfo.truncate(manifestSha256, 80) + "'");
        }
    }
}
