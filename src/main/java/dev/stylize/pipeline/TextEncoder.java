package dev.stylize.pipeline;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.Component.ClipRoles;
import dev.stylize.runtime.Component.T5Roles;
import dev.stylize.runtime.HostTensor;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.RunControl;
import java.util.Map;

/**
 * T5 sequence and pooled CLIP vector (docs/pipeline.md#text-embeddings). Without a text encoder in
 * the model set both are zeros (the diffusers Redux convention); with one, the prompt (empty if none)
 * is encoded, as BFL does. A prompt for a model set without T5 is an error rather than silently ignored.
 */
final class TextEncoder {
    record Embeddings(float[] sequence, int length, float[] pooled) {}

    private TextEncoder() {}

    static Embeddings encode(ModelSet models, String prompt, RunControl control, EncoderCache cache) {
        ModelManifest.Constants constants = models.constants();
        boolean hasPrompt = prompt != null && !prompt.isBlank();
        if (hasPrompt && !models.has(Component.T5)) {
            throw new StylizeException(ErrorCode.PROMPT_WITHOUT_TEXT_ENCODER,
                    "model set '" + models.directory().manifest().id() + "' has no T5 text encoder; omit the prompt");
        }
        String text = hasPrompt ? prompt : "";
        long[] t5Ids = models.has(Component.T5)
                ? models.tokenizer(Component.T5, constants.textLength()).encode(text) : null;
        long[] clipIds = models.has(Component.CLIP)
                ? models.tokenizer(Component.CLIP, constants.clipLength()).encode(text) : null;
        if (t5Ids == null && clipIds == null) {
            return new Embeddings(new float[constants.textLength() * constants.textWidth()], constants.textLength(),
                    new float[constants.pooledWidth()]);
        }
        EncoderCache.Prompt p = cache.prompt(cacheKey(models, t5Ids, clipIds), () -> new EncoderCache.Prompt(
                t5Ids != null ? run(models, Component.T5, T5Roles.INPUT_IDS, t5Ids, constants.textLength(),
                        T5Roles.TEXT_EMBEDDINGS, control)
                        : new float[constants.textLength() * constants.textWidth()],
                clipIds != null ? run(models, Component.CLIP, ClipRoles.INPUT_IDS, clipIds, constants.clipLength(),
                        ClipRoles.POOLED_EMBEDDINGS, control)
                        : new float[constants.pooledWidth()]));
        return new Embeddings(p.sequence(), constants.textLength(), p.pooled());
    }

    /** The graphs that compute the embeddings and the token ids they read. */
    private static String cacheKey(ModelSet models, long[] t5Ids, long[] clipIds) {
        var components = models.directory().manifest().components();
        StringBuilder key = new StringBuilder();
        for (var part : java.util.List.of(Map.entry(Component.T5, t5Ids == null ? new long[0] : t5Ids),
                Map.entry(Component.CLIP, clipIds == null ? new long[0] : clipIds))) {
            var spec = components.get(part.getKey().key());
            key.append(spec == null ? "-" : spec.sha256()).append(java.util.Arrays.toString(part.getValue())).append('/');
        }
        return key.toString();
    }

    private static float[] run(ModelSet models, Component c, String idsRole, long[] ids, int length, String output,
            RunControl control) {
        ModelSession session = models.session(c);
        try (HostTensor in = session.inputIds(idsRole, ids, 1, length)) {
            return session.run(Map.of(idsRole, in), control).get(output);
        }
    }
}
