package dev.stylize.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parameter tables people read (message contract, README) say what {@link ParamTable} says. */
class ParamTableDocsTest {
    /** Each params row: the contract's row shows its range (where it has one) and its default. */
    @Test
    void messageContractParamsTable() throws IOException {
        List<String> doc = Files.readAllLines(Path.of("docs/message-contract.md"));
        for (ParamTable.Param<?> row : ParamTable.ALL) {
            if (row.scope() != ParamTable.Scope.PARAMS && row.scope() != ParamTable.Scope.OUTPAINT_SIDE) {
                continue;
            }
            String line = row(doc, "| `" + row.name() + "` |");
            String[] cells = line.split(" \\| ");
            if (row.range() != null && !row.range().equals(ParamTable.Range.INT64)) {
                assertTrue(cells[2].contains(row.range().toString()), line);
            }
            assertEquals(describe(row) + " |", cells[3], line);
        }
    }

    /** README "Modes and defaults": steps, strength and guidance per mode. */
    @Test
    void readmeModesTable() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        for (Mode m : Mode.values()) {
            String[] cells = row(readme, "| " + m.wireName() + " |").split(" \\| ");
            Transformer fallback = ModeDefaults.transformer(m, false);
            Transformer preferred = ModeDefaults.transformer(m, true);
            String guidance = fallback == preferred ? show(ParamTable.GUIDANCE.defaultValue().of(m, fallback))
                    : show(ParamTable.GUIDANCE.defaultValue().of(m, preferred)) + " (dev) / "
                            + show(ParamTable.GUIDANCE.defaultValue().of(m, fallback)) + " (fill)";
            assertEquals(guidance, cells[2], m + " guidance");
            assertEquals((int) ParamTable.STEPS.defaultValue().of(m, fallback), Integer.parseInt(cells[3]), m + " steps");
            assertEquals(ParamTable.STRENGTH.defaultValue().of(m, fallback), Double.parseDouble(cells[4]), m + " strength");
        }
    }

    private static String row(List<String> lines, String start) {
        String found = lines.stream().filter(l -> l.startsWith(start)).findFirst().orElse(null);
        assertNotNull(found, "no row " + start);
        return found;
    }

    private static <T> String describe(ParamTable.Param<T> row) {
        return row.defaultValue().describe(row);
    }

    private static String show(double v) {
        return ParamTable.Range.show(v);
    }
}
