package dev.stylize.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.pipeline.TestModels;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code models check --smoke}: every component runs once and reports what the pipeline would see. */
class ComponentSmokeTest {

    @Test
    void everyComponentOfTheFullSetRunsWithThePipelinesShapes() {
        try (ModelSet set = ModelSet.load(TestModels.full(), RuntimeConfig.cpu(), null)) {
            ModelManifest.Constants k = set.constants();
            Map<Component, ComponentSmoke.Report> byComponent = new EnumMap<>(Component.class);
            ComponentSmoke.run(set).forEach(r -> byComponent.put(r.component(), r));
            assertEquals(set.directory().manifest().components().size(), byComponent.size(), "every component ran");
            byComponent.values().forEach(r -> assertTrue(r.ok(), r.component() + ": " + r.error()));
            int grid = k.siglipImageSize() / k.siglipPatchSize();
            assertShape(byComponent, Component.SIGLIP, "last_hidden_state", 1, grid * grid, k.siglipWidth());
            assertShape(byComponent, Component.REDUX, "image_embeds", 1, grid * grid, k.textWidth());
            assertShape(byComponent, Component.T5, "text_embeddings", 1, k.textLength(), k.textWidth());
            assertShape(byComponent, Component.CLIP, "pooled_embeddings", 1, k.pooledWidth());
            assertShape(byComponent, Component.VAE_ENCODER, "latent", 1, k.latentChannels(), 8, 8);
            assertShape(byComponent, Component.VAE_DECODER, "images", 1, 3, 64, 64);
            // 64×64 canvas → 8×8 latent → 16 tokens of 4·C values (the analytic graph lays them out (16, 1, 4C)).
            long[] velocity = byComponent.get(Component.FILL_TRANSFORMER).outputs().get("latent").shape();
            assertEquals(16L * 4 * k.latentChannels(), HostTensor.elementCount(velocity));
            assertEquals(4L * k.latentChannels(), velocity[velocity.length - 1]);
        }
    }

    @Test
    void aNonFiniteOutputOrAnErrorIsNotOk() {
        ModelSession.Output finite = new ModelSession.Output(new float[] {0f, 1f}, new long[] {2}, TensorDtype.FLOAT32);
        ModelSession.Output nan = new ModelSession.Output(new float[] {0f, Float.NaN}, new long[] {2},
                TensorDtype.FLOAT32);
        assertTrue(new ComponentSmoke.Report(Component.T5, Provider.CPU, 1, Map.of("a", finite), null).ok());
        assertFalse(new ComponentSmoke.Report(Component.T5, Provider.CPU, 1, Map.of("a", nan), null).ok());
        assertFalse(new ComponentSmoke.Report(Component.T5, Provider.CPU, 0, Map.of(), "boom").ok());
    }

    private static void assertShape(Map<Component, ComponentSmoke.Report> reports, Component c, String role,
            long... shape) {
        assertArrayEquals(shape, reports.get(c).outputs().get(role).shape(), c + " " + role);
    }
}
