package dev.stylize.client;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.OutputInfo;
import dev.stylize.job.StylizeException;
import dev.stylize.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Saves a result's output to a local file, only if its bytes hash to the sha256 the result announced:
 * written next to the destination first and moved into place, so a bad download never leaves a file.
 */
public final class OutputDownload {
    private OutputDownload() {}

    public static void save(ObjectStore store, OutputInfo output, Path dest) throws IOException {
        Path target = dest.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            String sha256 = store.download(output.bucket(), output.key(), partial);
            if (!sha256.equals(output.sha256())) {
                throw new StylizeException(ErrorCode.INTERNAL, "s3://" + output.bucket() + "/" + output.key()
                        + " has sha256 " + sha256 + ", the result says " + output.sha256() + ": not written");
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
