package dev.stylize.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.job.ParamTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The help of run's and submit's job parameter options is ParamTable's: description, range and default. */
class JobParamsHelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"run", "submit"})
    void everyTableOptionShowsTheTablesHelp(String command) {
        CommandSpec spec = Main.commandLine().getSubcommands().get(command).getCommandSpec();
        assertFalse(ParamTable.byCliOption().isEmpty());
        ParamTable.byCliOption().forEach((option, row) -> {
            OptionSpec o = spec.findOption(option);
            assertNotNull(o, command + " has no " + option);
            String help = String.join(" ", o.description());
            assertEquals(JobParamsHelp.text(row), help, option);
            if (row.range() != null && !row.range().equals(ParamTable.Range.INT64)) {
                assertTrue(help.contains("Range " + row.range() + "."), help);
            }
            assertTrue(help.contains(" Default: "), help);
        });
    }

    /** What a user reads, spelled out for a fixed, a per-transformer, a per-mode and a per-reference row. */
    @Test
    void helpTexts() {
        assertEquals("Denoising steps. Range [1, 200]. Default: 28.", JobParamsHelp.text(ParamTable.STEPS));
        assertTrue(JobParamsHelp.text(ParamTable.GUIDANCE).endsWith(" Range [0, 100]. Default: 30 (fill), 2.5 (dev)."),
                JobParamsHelp.text(ParamTable.GUIDANCE));
        assertTrue(JobParamsHelp.text(ParamTable.STRENGTH).endsWith(" Range (0, 1]. Default: 0.6 for restyle, else 1."),
                JobParamsHelp.text(ParamTable.STRENGTH));
        assertEquals("Keep the original pixels outside the mask. Default: true for composite, inpaint, outpaint,"
                + " else false.", JobParamsHelp.text(ParamTable.PASTE_BACK));
        assertEquals("Per reference, in --reference order: Multiplies the reference's Redux tokens. Range [0, 10]."
                + " Default: 1.", JobParamsHelp.text(ParamTable.WEIGHT));
        assertTrue(JobParamsHelp.text(ParamTable.REFERENCE_BLEND).endsWith(
                " One of concat, sum, sum_conditioning. Default: concat."), JobParamsHelp.text(ParamTable.REFERENCE_BLEND));
        assertTrue(JobParamsHelp.text(ParamTable.SEED).endsWith(" Any 64-bit integer. Default: derived from the job id"
                + " (SHA-256), so a redelivered job repeats its image."), JobParamsHelp.text(ParamTable.SEED));
    }
}
