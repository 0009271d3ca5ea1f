package dev.stylize.worker;

import dev.stylize.imaging.ImageDecoder;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobRequest;
import dev.stylize.job.JobRequest.ObjectRef;
import dev.stylize.job.JobRequest.ReferenceRef;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.Reference;
import dev.stylize.storage.ObjectStore;
import java.util.ArrayList;
import java.util.List;

/** A job's input images: fetched from the object store and decoded under the worker's limits. */
final class InputFetcher {
    /** Decoded inputs; {@code target} and {@code mask} are null where the request has none. */
    record Inputs(List<Reference> references, RgbImage target, RgbImage mask) {}

    private final ObjectStore store;
    private final WorkerConfig config;

    InputFetcher(ObjectStore store, WorkerConfig config) {
        this.store = store;
        this.config = config;
    }

    Inputs fetch(JobRequest req, ResolvedParams params) {
        List<Reference> refs = new ArrayList<>();
        for (ReferenceRef r : req.reference()) {
            RgbImage image = fetchImage(r.image());
            RgbImage mask = r.mask() == null ? null : fetchImage(r.mask());
            refs.add(new Reference(image, r.weightOrDefault(), mask));
        }
        RgbImage target = req.target() == null ? null : fetchImage(req.target());
        RgbImage mask = req.mask() == null ? null : fetchImage(req.mask());
        return new Inputs(refs, target, mask);
    }

    private RgbImage fetchImage(ObjectRef ref) {
        byte[] bytes = store.get(ref.bucket(), ref.key(), config.maxObjectBytes());
        try {
            return ImageDecoder.decode(bytes, config.maxInputPixels());
        } catch (StylizeException e) {
            throw new StylizeException(e.code(), ref.bucket() + "/" + ref.key() + ": " + e.getMessage(), e);
        }
    }
}
