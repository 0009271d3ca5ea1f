package dev.stylize.worker;

import dev.stylize.imaging.ImageDecoder;
import dev.stylize.imaging.ImageHeader;
import dev.stylize.imaging.RgbImage;
import dev.stylize.imaging.SquareThumbnail;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobRequest;
import dev.stylize.job.JobRequest.ObjectRef;
import dev.stylize.job.JobRequest.ReferenceRef;
import dev.stylize.job.Mode;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.CanvasPlan;
import dev.stylize.pipeline.PipelineLimits;
import dev.stylize.pipeline.Reference;
import dev.stylize.storage.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A job's input images, in three stages so that a request that cannot fit fails before anything large is
 * allocated: (1) every object's bytes are fetched and its header read (format, size ≤ the input pixel limit,
 * container intact); (2) mask sizes and the sizes the job will build ({@link PipelineLimits#checkSizes}) are
 * checked from those headers; (3) only then are images decoded, one at a time, each object's bytes released
 * once decoded.
 *
 * <p>To bound memory, a reference whose pixels do not go on the canvas (all but the first in composite and
 * variation, every one in the other modes) is squashed to SigLIP's input size right after decoding, with its mask:
 * SigLIP would squash them the same way ({@link SquareThumbnail}), so the Redux tokens do not change. Alpha is
 * dropped from references and the target: only masks are read by their alpha.
 */
final class InputFetcher {
    /** Decoded inputs; {@code target} and {@code mask} are null where the request has none. */
    record Inputs(List<Reference> references, RgbImage target, RgbImage mask) {}

    private final ObjectStore store;
    private final WorkerConfig config;
    private final int referenceSide;
    private final Executor io;
    private final Function<String, Optional<float[]>> cachedTokens;

    /**
     * @param referenceSide the SigLIP input size of the loaded model set ({@code constants().siglipImageSize()})
     * @param io            runs the object fetches side by side
     * @param cachedTokens  the cached Redux tokens of a reference identity ({@code StylizePipeline::cachedReduxTokens})
     */
    InputFetcher(ObjectStore store, WorkerConfig config, int referenceSide, Executor io,
            Function<String, Optional<float[]>> cachedTokens) {
        this.store = store;
        this.config = config;
        this.referenceSide = referenceSide;
        this.io = io;
        this.cachedTokens = cachedTokens;
    }

    /**
     * @param beforeDecoding returns once the delivery's attempt marker is written: a decoder that takes the worker
     *                       down (out of memory, a crash in native code) must find its delivery counted
     */
    Inputs fetch(JobRequest req, ResolvedParams params, Runnable beforeDecoding) {
        long maxPixels = config.maxInputPixels();
        boolean canvasReference = CanvasPlan.usesReferencePixels(params.mode());
        // All objects at once (one round trip, not one per object); failures are reported in field order.
        List<CompletableFuture<Encoded>> refImageGets = new ArrayList<>();
        List<CompletableFuture<Encoded>> refMaskGets = new ArrayList<>();
        for (int i = 0; i < req.reference().size(); i++) {
            ReferenceRef r = req.reference().get(i);
            boolean onCanvas = canvasReference && i == 0;
            String field = "reference[" + i + "]";
            // A reference only SigLIP sees, without a mask, is not even downloaded when its tokens are cached.
            refImageGets.add(onCanvas || r.mask() != null ? getAsync(field, r.image(), maxPixels)
                    : CompletableFuture.supplyAsync(() -> cachedOrGet(field, r.image(), maxPixels), io));
            refMaskGets.add(getAsync("reference[" + i + "].mask", r.mask(), maxPixels));
        }
        CompletableFuture<Encoded> targetGet = getAsync("target", req.target(), maxPixels);
        CompletableFuture<Encoded> maskGet = getAsync("mask", req.mask(), maxPixels);
        List<Encoded> refImages = new ArrayList<>();
        List<Encoded> refMasks = new ArrayList<>();
        for (int i = 0; i < refImageGets.size(); i++) {
            refImages.add(JobService.join(refImageGets.get(i)));
            refMasks.add(JobService.join(refMaskGets.get(i)));
        }
        Encoded target = JobService.join(targetGet);
        Encoded mask = JobService.join(maskGet);

        for (int i = 0; i < refImages.size(); i++) {
            sameSize(refMasks.get(i), refImages.get(i));
        }
        sameSize(mask, target);
        PipelineLimits limits = new PipelineLimits(maxPixels, config.maxCanvasPixels());
        try {
            limits.checkSizes(params.mode(), params.layout(), params.outpaint(),
                    refImages.get(0).header == null ? null : refImages.get(0).extent(),
                    target == null ? null : target.extent());
        } catch (StylizeException e) {
            String objects = (params.mode() == Mode.COMPOSITE ? "reference[0] " + refImages.get(0).name + ", " : "")
                    + (target == null ? "" : "target " + target.name);
            throw new StylizeException(e.code(), e.getMessage() + " (" + objects + ")", e);
        }

        beforeDecoding.run();
        // Squashed references first: their bytes go before anything large is decoded; the canvas reference
        // (index 0) comes last among them.
        int n = refImages.size();
        Reference[] refs = new Reference[n];
        for (int k = 0; k < n; k++) {
            int i = canvasReference ? (k + 1) % n : k;
            boolean onCanvas = canvasReference && i == 0;
            Encoded encoded = refImages.get(i);
            ReferenceRef spec = req.reference().get(i);
            double weight = spec.weightOrDefault();
            if (encoded.tokens != null) {
                refs[i] = new Reference(null, weight, null, encoded.identity, encoded.tokens)
                        .withEmbedsScales(spec.promptEmbedsScaleOrDefault(), spec.pooledPromptEmbedsScaleOrDefault());
                continue;
            }
            RgbImage image = referencePixels(encoded, onCanvas, maxPixels);
            Encoded m = refMasks.get(i);
            // A mask keeps its image's size (the pipeline checks it): full beside a full reference.
            RgbImage refMask = m == null ? null
                    : onCanvas ? m.decode(maxPixels) : SquareThumbnail.mask(m.decode(maxPixels), referenceSide);
            refs[i] = new Reference(image, weight, refMask, encoded.identity, null)
                    .withEmbedsScales(spec.promptEmbedsScaleOrDefault(), spec.pooledPromptEmbedsScaleOrDefault());
        }
        RgbImage targetImage = target == null ? null : target.decode(maxPixels).withoutAlpha();
        RgbImage maskImage = mask == null ? null : mask.decode(maxPixels);
        return new Inputs(List.of(refs), targetImage, maskImage);
    }

    /** The reference as the pipeline needs it: full size on the canvas, else only what SigLIP sees. */
    private RgbImage referencePixels(Encoded encoded, boolean onCanvas, long maxPixels) {
        RgbImage image = encoded.decode(maxPixels);
        return onCanvas ? image.withoutAlpha() : SquareThumbnail.image(image, referenceSide);
    }

    /** Null for an absent object. */
    private CompletableFuture<Encoded> getAsync(String field, ObjectRef ref, long maxPixels) {
        return ref == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> get(field, ref, maxPixels), io);
    }

    private Encoded get(String field, ObjectRef ref, long maxPixels) {
        String name = ref.bucket() + "/" + ref.key();
        ObjectStore.Fetched fetched = store.fetch(ref.bucket(), ref.key(), config.maxObjectBytes());
        try {
            return new Encoded(field, name, ImageDecoder.readHeader(fetched.bytes(), maxPixels), fetched.bytes(),
                    identity(ref, fetched.etag()), null);
        } catch (StylizeException e) {
            throw new StylizeException(e.code(), name + ": " + e.getMessage(), e);
        }
    }

    /** The reference's cached Redux tokens if its current version has some (one HEAD), else the object itself. */
    private Encoded cachedOrGet(String field, ObjectRef ref, long maxPixels) {
        var info = store.stat(ref.bucket(), ref.key());
        if (info.isPresent() && info.get().size() <= config.maxObjectBytes()) {
            String identity = identity(ref, info.get().etag());
            Optional<float[]> tokens = identity == null ? Optional.empty() : cachedTokens.apply(identity);
            if (tokens.isPresent()) {
                return new Encoded(field, ref.bucket() + "/" + ref.key(), null, null, identity, tokens.get());
            }
        }
        return get(field, ref, maxPixels); // a missing or oversized object fails there, with its usual error
    }

    /** Where an image came from, as long as its content is the same; null without an ETag (never cached). */
    private static String identity(ObjectRef ref, String etag) {
        // A GET's header quotes the ETag, the client's stat() does not.
        String tag = etag == null ? "" : etag.replace("\"", "");
        return tag.isBlank() ? null : "s3://" + ref.bucket() + "/" + ref.key() + "#" + tag;
    }

    /** A mask must have its image's size (checked here from the headers, before either is decoded). */
    private static void sameSize(Encoded mask, Encoded image) {
        if (mask != null && image != null
                && (mask.header.width() != image.header.width() || mask.header.height() != image.header.height())) {
            throw new StylizeException(ErrorCode.MASK_SIZE_MISMATCH, mask.field + " " + mask.name + " is "
                    + mask.header.size() + " but " + image.field + " " + image.name + " is " + image.header.size());
        }
    }

    /**
     * One fetched object: its bytes until decoded, its header and identity; or, for a reference whose Redux
     * tokens were cached, only those (no bytes, no header).
     */
    private static final class Encoded {
        final String field;
        final String name;
        final ImageHeader header;
        final String identity;
        final float[] tokens;
        private byte[] bytes;

        Encoded(String field, String name, ImageHeader header, byte[] bytes, String identity, float[] tokens) {
            this.field = field;
            this.name = name;
            this.header = header;
            this.bytes = bytes;
            this.identity = identity;
            this.tokens = tokens;
        }

        CanvasPlan.Extent extent() {
            return new CanvasPlan.Extent(header.width(), header.height());
        }

        /** Decodes once; the bytes are released so that they can be collected while later images decode. */
        RgbImage decode(long maxPixels) {
            byte[] data = bytes;
            bytes = null;
            try {
                return ImageDecoder.decode(data, maxPixels);
            } catch (StylizeException e) {
                throw new StylizeException(e.code(), name + ": " + e.getMessage(), e);
            }
        }
    }
}
