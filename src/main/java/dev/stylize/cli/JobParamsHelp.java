package dev.stylize.cli;

import dev.stylize.job.ParamTable;
import java.util.ArrayList;
import java.util.List;
import java.util.ListResourceBundle;

/**
 * The help of the job parameter options ({@link JobParamsOptions}), written from {@link ParamTable} so the
 * ranges and defaults the CLI shows are the ones the worker enforces. Picocli looks each option up under its
 * longest name without the dashes ("steps", "redux-strength"); a description in the annotation would be
 * overridden by this bundle, so table-backed options carry none.
 */
public final class JobParamsHelp extends ListResourceBundle {
    @Override
    protected Object[][] getContents() {
        List<Object[]> entries = new ArrayList<>();
        ParamTable.byCliOption().forEach((option, row) -> entries.add(new Object[] {key(option), text(row)}));
        return entries.toArray(Object[][]::new);
    }

    /** The bundle key picocli uses for an option name. */
    static String key(String option) {
        return option.replaceFirst("^-+", "");
    }

    /** One option's help: the row's, with the order of per-reference values in front. */
    static String text(ParamTable.Param<?> row) {
        String perReference = row.scope() == ParamTable.Scope.REFERENCE ? "Per reference, in --reference order: " : "";
        return perReference + row.help();
    }
}
