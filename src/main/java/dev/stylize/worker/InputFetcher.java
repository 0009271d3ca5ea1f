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

    /** @param referenceSide the SigLIP input size of the loaded model set ({@code constants().siglipImageSize()}) */
    InputFetcher(ObjectStore store, WorkerConfig config, int referenceSide) {
        this.store = store;
        this.config = config;
        this.referenceSide = referenceSide;
    }

    Inputs fetch(JobRequest req, ResolvedParams params) {
        long maxPixels = config.maxInputPixels();
        List<Encoded> refImages = new ArrayList<>();
        List<Encoded> refMasks = new ArrayList<>();
        for (int i = 0; i < req.reference().size(); i++) {
            ReferenceRef r = req.reference().get(i);
            refImages.add(get("reference[" + i + "]", r.image(), maxPixels));
            refMasks.add(r.mask() == null ? null : get("reference[" + i + "].mask", r.mask(), maxPixels));
        }
        Encoded target = req.target() == null ? null : get("target", req.target(), maxPixels);
        Encoded mask = req.mask() == null ? null : get("mask", req.mask(), maxPixels);

        for (int i = 0; i < refImages.size(); i++) {
            sameSize(refMasks.get(i), refImages.get(i));
        }
        sameSize(mask, target);
        PipelineLimits limits = new PipelineLimits(maxPixels, config.maxCanvasPixels());
        try {
            limits.checkSizes(params.mode(), params.layout(), params.outpaint(), refImages.get(0).extent(),
                    target == null ? null : target.extent());
        } catch (StylizeException e) {
            String objects = (params.mode() == Mode.COMPOSITE ? "reference[0] " + refImages.get(0).name + ", " : "")
                    + (target == null ? "" : "target " + target.name);
            throw new StylizeException(e.code(), e.getMessage() + " (" + objects + ")", e);
        }

        // Squashed references first: their bytes go before anything large is decoded; the canvas reference
        // (index 0) comes last among them.
        boolean canvasReference = CanvasPlan.usesReferencePixels(params.mode());
        int n = refImages.size();
        Reference[] refs = new Reference[n];
        for (int k = 0; k < n; k++) {
            int i = canvasReference ? (k + 1) % n : k;
            boolean onCanvas = canvasReference && i == 0;
            RgbImage image = referencePixels(refImages.get(i), onCanvas, maxPixels);
            Encoded m = refMasks.get(i);
            // A mask keeps its image's size (the pipeline checks it): full beside a full reference.
            RgbImage refMask = m == null ? null
                    : onCanvas ? m.decode(maxPixels) : SquareThumbnail.mask(m.decode(maxPixels), referenceSide);
            refs[i] = new Reference(image, req.reference().get(i).weightOrDefault(), refMask);
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

    private Encoded get(String field, ObjectRef ref, long maxPixels) {
        String name = ref.bucket() + "/" + ref.key();
        byte[] bytes = store.get(ref.bucket(), ref.key(), config.maxObjectBytes());
        try {
            return new Encoded(field, name, ImageDecoder.readHeader(bytes, maxPixels), bytes);
        } catch (StylizeException e) {
            throw new StylizeException(e.code(), name + ": " + e.getMessage(), e);
        }
    }

    /** A mask must have its image's size (checked here from the headers, before either is decoded). */
    private static void sameSize(Encoded mask, Encoded image) {
        if (mask != null && image != null
                && (mask.header.width() != image.header.width() || mask.header.height() != image.header.height())) {
            throw new StylizeException(ErrorCode.MASK_SIZE_MISMATCH, mask.field + " " + mask.name + " is "
                    + mask.header.size() + " but " + image.field + " " + image.name + " is " + image.header.size());
        }
    }

    /** One fetched object: its bytes until decoded, and its header. */
    private static final class Encoded {
        final String field;
        final String name;
        final ImageHeader header;
        private byte[] bytes;

        Encoded(String field, String name, ImageHeader header, byte[] bytes) {
            this.field = field;
            this.name = name;
            this.header = header;
            this.bytes = bytes;
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
