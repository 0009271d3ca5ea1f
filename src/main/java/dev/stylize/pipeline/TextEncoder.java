package dev.stylize.pipeline;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.HostTensor;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.RunControl;
import java.util.Map;

/**
 * T5 sequence and pooled CLIP vector. Without a text encoder in the model set both are zeros (the
 * diffusers Redux convention, spec §2.5); with one, the prompt (empty if none) is encoded, as BFL
 * does. A prompt for a model set without T5 is an error rather than silently ignored.
 */
final class TextEncoder {
    record Embeddings(float[] sequence, int length, float[] pooled) {}

    private TextEncoder() {}

    static Embeddings encode(ModelSet models, String prompt, RunControl control) {
        ModelManifest.Constants k = models.constants();
        boolean hasPrompt = prompt != null && !prompt.isBlank();
        if (hasPrompt && !models.has(Component.T5)) {
            throw new StylizeException(ErrorCode.PROMPT_WITHOUT_TEXT_ENCODER,
                    "model set '" + models.directory().manifest().id() + "' has no T5 text encoder; omit the prompt");
        }
        String text = hasPrompt ? prompt : "";
        float[] sequence = models.has(Component.T5)
                ? run(models, Component.T5, text, k.textLength(), "text_embeddings", control)
                : new float[k.textLength() * k.textWidth()];
        float[] pooled = models.has(Component.CLIP)
                ? run(models, Component.CLIP, text, k.clipLength(), "pooled_embeddings", control)
                : new float[k.pooledWidth()];
        return new Embeddings(sequence, k.textLength(), pooled);
    }

    private static float[] run(ModelSet models, Component c, String text, int length, String output, RunControl control) {
        ModelSession session = models.session(c);
        long[] ids = models.tokenizer(c, length).encode(text);
        try (HostTensor in = session.inputIds("input_ids", ids, 1, length)) {
            return session.run(Map.of("input_ids", in), control).get(output);
        }
    }
}
